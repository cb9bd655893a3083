// Bounded waits for tests: wait for an event (or a promise) with a deadline, or assert that events stay
// silent for a bounded time — never a bare sleep hoping the world caught up.

/** Anything with on/off (Node EventEmitter, ws WebSocket, http objects). */
export interface Listenable {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
}

/** Resolves with the event's arguments, or rejects with a message naming the event and the deadline. */
export function waitFor<T extends unknown[] = unknown[]>(emitter: Listenable, event: string, ms: number, what = event): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      emitter.off(event, listener);
      resolve(args as unknown as T);
    };
    const timer = setTimeout(() => {
      emitter.off(event, listener);
      reject(new Error(`waitFor: no "${what}" within ${ms} ms`));
    }, ms);
    emitter.on(event, listener);
  });
}

/** Settles like `promise`, or rejects once `ms` passed. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`withDeadline: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms` if none of `events` fired; rejects naming the first one that did. */
export function expectSilence(emitter: Listenable, events: string[], ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const listeners = events.map((event) => {
      const listener = () => {
        done();
        reject(new Error(`expectSilence: "${event}" fired within ${ms} ms`));
      };
      emitter.on(event, listener);
      return [event, listener] as const;
    });
    const done = () => {
      clearTimeout(timer);
      for (const [event, listener] of listeners) emitter.off(event, listener);
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
  });
}

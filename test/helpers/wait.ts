// Bounded waits for every test in the repo (package tests import it as ../../../test/helpers/wait.js): wait
// for an event, a condition, a promise or n values with a deadline, or assert that events stay silent for a
// bounded time — never a bare sleep hoping the world caught up. Every failure names what was awaited and the
// deadline, and every timer and listener is released whichever way the wait ends.

type Listener = (...args: unknown[]) => void;

/**
 * What the waits can listen on: Node emitters, ws sockets, omnio sockets, and the typed emitters of
 * socket.io-client / engine.io-client. Typed as `object` at the call sites because typed emitters' `once`
 * signatures are narrower than `Listener`; checked at run time instead.
 */
interface Subscribable {
  once?(event: string, listener: Listener): unknown;
  on?(event: string, listener: Listener): unknown;
  off?(event: string, listener: Listener): unknown;
  removeListener?(event: string, listener: Listener): unknown;
}

/** Adds `listener` (once, where the emitter can), returning how to remove it. */
function subscribe(emitter: object, event: string, listener: Listener, once: boolean): () => void {
  const target = emitter as Subscribable;
  const add = (once && target.once) || target.on;
  if (!add) throw new TypeError(`wait: cannot listen for "${event}": the emitter has neither once() nor on()`);
  add.call(target, event, listener);
  const remove = target.off ?? target.removeListener;
  return () => void remove?.call(target, event, listener);
}

/**
 * Resolves with the arguments of the next `event`, or rejects after `ms` naming `what` (the event by default)
 * and the deadline.
 */
export function waitFor<T extends unknown[] = unknown[]>(emitter: object, event: string, ms = 10_000, what = event): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const listener: Listener = (...args) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(args as T);
    };
    const unsubscribe = subscribe(emitter, event, listener, true); // first: if it throws, no timer is left
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`waitFor: no "${what}" within ${ms} ms`));
    }, ms);
  });
}

/**
 * Polls `check` until it returns true (for states with no event), or rejects after `ms` naming `what`. `what`
 * may be a function, called only on failure, to describe the state seen by then.
 */
export async function until(check: () => boolean, ms = 10_000, what: string | (() => string) = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`until: ${typeof what === "function" ? what() : what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Settles like `promise`, or rejects once `ms` passed, naming `what`. */
export function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`withDeadline: ${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms` if none of `events` fired; rejects naming the first one that did. */
export function expectSilence(emitter: object, events: string[], ms: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      for (const unsubscribe of unsubscribes) unsubscribe();
    };
    const unsubscribes = events.map((event) =>
      subscribe(emitter, event, () => {
        done();
        reject(new Error(`expectSilence: "${event}" fired within ${ms} ms`));
      }, false),
    );
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
  });
}

/** Resolves with the first `n` values passed to the returned `push`, or rejects after `ms` listing those seen. */
export function collect<T>(n: number, ms = 10_000): { push: (value: T) => void; done: Promise<T[]> } {
  const values: T[] = [];
  let resolve!: (v: T[]) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<T[]>((res, rej) => ((resolve = res), (reject = rej)));
  const timer = setTimeout(() => reject(new Error(`collect: only ${values.length}/${n} values within ${ms} ms: ${JSON.stringify(values)}`)), ms);
  return {
    push(value) {
      values.push(value);
      if (values.length === n) {
        clearTimeout(timer);
        resolve(values);
      }
    },
    done,
  };
}

// Waiting in tests: for an event or a condition, always with a bounded deadline (never a bare sleep).

interface OnceEmitter {
  once(event: string, listener: (...args: never[]) => void): unknown;
}

/** Resolve with the arguments of the next `event`, or reject after `ms`. */
export function waitFor<T extends unknown[] = unknown[]>(emitter: OnceEmitter, event: string, ms = 10_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    const listener = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, listener as unknown as (...args: never[]) => void);
  });
}

/** Poll `check` every few ms until it returns true, or reject after `ms`. */
export async function until(check: () => boolean, ms = 10_000, what = "condition"): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what} not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Resolve with the first `n` values passed to the returned `push`, or reject after `ms`. */
export function collect<T>(n: number, ms = 10_000): { push: (value: T) => void; done: Promise<T[]> } {
  const values: T[] = [];
  let resolve!: (v: T[]) => void;
  let reject!: (e: Error) => void;
  const done = new Promise<T[]>((res, rej) => ((resolve = res), (reject = rej)));
  const timer = setTimeout(() => reject(new Error(`only ${values.length}/${n} values within ${ms} ms: ${JSON.stringify(values)}`)), ms);
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

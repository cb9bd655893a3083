// Small numeric helpers shared by the benchmark sections: percentiles, medians, number formatting, and a
// bounded wait (no bare sleeps: every wait names what it waits for and gives up at a deadline).

/** The q-quantile (0..1) of `xs` by nearest rank; NaN for an empty list. */
export function quantile(xs, q) {
  if (!xs.length) return NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

export const median = (xs) => quantile(xs, 0.5);

/** `n` with `digits` decimals, or "–" when it is not a finite number. */
export function fixed(n, digits = 2) {
  return Number.isFinite(n) ? n.toFixed(digits) : "–";
}

/** 123456 → "123.5k", 1234567 → "1.23M". */
export function kilo(n) {
  if (!Number.isFinite(n)) return "–";
  if (n >= 1e6) return (n / 1e6).toFixed(2) + "M";
  if (n >= 1e3) return (n / 1e3).toFixed(1) + "k";
  return n.toFixed(0);
}

/** "0.93×", or "–". */
export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? (a / b).toFixed(2) + "×" : "–");

/** "met", "NOT met" or "–" (unknown) for a goal. */
export const goal = (ok) => (ok === undefined || ok === null ? "–" : ok ? "met" : "NOT met");

/** Resolves with the first event's arguments, or rejects naming the event once `ms` passed. */
export function once(emitter, event, ms, what = event) {
  return new Promise((resolve, reject) => {
    const on = (...args) => {
      clearTimeout(timer);
      resolve(args);
    };
    const timer = setTimeout(() => {
      (emitter.off ?? emitter.removeListener).call(emitter, event, on);
      reject(new Error(`bench: no "${what}" within ${ms} ms`));
    }, ms);
    (emitter.once ?? emitter.on).call(emitter, event, on);
  });
}

/** Settles like `promise`, or rejects naming `what` once `ms` passed. */
export function deadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`bench: ${what} did not finish within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}

/** One macrotask: lets sockets flush between chunks of a send loop (not a sleep: no time passes on purpose). */
export const turn = () => new Promise((resolve) => setImmediate(resolve));

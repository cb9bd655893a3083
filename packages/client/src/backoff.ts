// Reconnection delays: exponential backoff with jitter, so a fleet of clients does not reconnect in lockstep
// after a server restart. Pure arithmetic; the Manager owns the timer.

export class Backoff {
  /** Attempts made since the last `reset()`. */
  attempts = 0;

  constructor(
    public min = 1000,
    public max = 5000,
    /** 0..1: the delay is spread uniformly over ±jitter × its nominal value. */
    public jitter = 0.5,
    private readonly random: () => number = Math.random,
  ) {}

  /** The delay before the next attempt (and count that attempt). */
  duration(): number {
    const nominal = Math.min(this.max, this.min * 2 ** this.attempts++);
    const ms = nominal * (1 + this.jitter * (2 * this.random() - 1));
    return Math.max(0, Math.min(this.max, Math.round(ms)));
  }

  reset(): void {
    this.attempts = 0;
  }
}

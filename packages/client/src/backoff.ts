// Reconnection delays: exponential backoff with jitter, so a fleet of clients does not reconnect in lockstep
// after a server restart. Pure arithmetic; the Manager owns the timer and counts the attempts.

/**
 * The delay before attempt `attempt` (0-based): `min × 2^attempt` capped at `max`, spread uniformly over
 * ±jitter (0..1) × that, never above `max`. Defaults are socket.io-client's. (A jitter above 1 may give a
 * negative delay: setTimeout takes it as 0.)
 */
export const backoffDelay = (attempt: number, min = 1000, max = 5000, jitter = 0.5, random = Math.random): number =>
  Math.min(max, Math.round(Math.min(max, min * 2 ** attempt) * (1 + jitter * (2 * random() - 1))));


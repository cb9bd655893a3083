// How long to wait for an upgrade probe (or a direct handshake on a remembered transport) before calling it a
// failure, derived from the measured round-trip time to the origin. A silent hang must cost seconds, not the
// 20 s connect timeout. @see ../../../../shared/DESIGN.md "Probing and ranking", step 4

import { isTime } from "./transport-memory-format.js";

/** Never less: below this, scheduler jitter on a busy device (or a throttled tab) fails healthy probes. */
export const MIN_PROBE_DEADLINE_MS = 1_000;
/** Never more: past this, a probe is a hang, whatever the RTT said. */
export const MAX_PROBE_DEADLINE_MS = 10_000;
/**
 * Round trips a probe may take. A WebSocket upgrade on a fresh connection costs TCP (1) + TLS 1.2 (2; TLS 1.3
 * needs 1) + the HTTP Upgrade (1) + `2probe`/`3probe` (1) = 5 RTTs; a streaming probe needs fewer. The RTT we
 * measure is an HTTP round trip to the Engine.IO endpoint, so it already includes the server's own work.
 */
export const PROBE_RTT_FACTOR = 5;
/** Headroom on top of the round trips: server queueing, GC pauses, jitter around a mean (the RTT is an EWMA). */
export const PROBE_SLACK_MS = 1_000;
/**
 * With no measurement: what 5·RTT + slack gives for a slow 3G link (RTT ≈ 800 ms), so a first visit on a poor
 * network does not misjudge a working transport; it is still well under the 20 s connect timeout.
 */
export const DEFAULT_PROBE_DEADLINE_MS = 5_000;

/**
 * Deadline in ms for a probe given the measured RTT: `clamp(5·rtt + 1000, 1000, 10000)`, or 5000 when unknown.
 * Loopback (≈1 ms) → 1005 ms; broadband (30 ms) → 1150 ms; 3G (300–600 ms) → 2.5–4 s; ≥ 1.8 s → 10 s.
 * Nonsense (negative, NaN, Infinity) counts as unknown: bad memory must not produce a 0 ms or endless wait.
 */
export function probeDeadline(rttMs: number | null | undefined): number {
  if (!isTime(rttMs)) return DEFAULT_PROBE_DEADLINE_MS;
  // rtt ≥ 0, so the slack alone keeps it at or above MIN_PROBE_DEADLINE_MS (PROBE_SLACK_MS is the same 1 s).
  return Math.round(Math.min(MAX_PROBE_DEADLINE_MS, PROBE_RTT_FACTOR * rttMs + PROBE_SLACK_MS));
}

// Ranking: orders the candidate transports best first from the static probes, the origin's memory and this
// session's failures; `planSteps` (transport-strategy.ts) turns the rows into a connection plan. Pure: same input (with `now`),
// same output. The memory is what `TransportMemory.get()` returns: valid records younger than the TTL.
// @see ../../../../shared/DESIGN.md "Probing and ranking (the heart of the product)"
//
// How omnio chooses a transport (these rules go into the README):
// 1. Base order is the user's `transports` order (default: websocket, flashsocket, xhr-multipart, htmlfile,
//    polling, jsonp — duplex, then streaming, then polling).
// 2. A transport the environment can't run (its `probe()` says unsupported) gets `supported: false`, the probe's
//    reason and score 0. It is listed, never tried.
// 3. Memory of this origin (older than the TTL, 24 h, is ignored): a transport that failed, timed out or was
//    buffered by a proxy is ranked down below every healthy transport — a buffered streaming transport thus
//    falls below polling. The penalty lasts 10 min after one bad outcome and doubles with each further one in a
//    row (20 min, 40 min… up to the TTL); after that the transport is tried again. Upgrade probes are off the
//    critical path, so retrying is cheap; backing off keeps each page load from paying for a known-bad one.
// 4. Cross-origin, a polling transport that needs CORS and failed on this origin (at any time within the TTL)
//    stays ranked down: the usual cause is a server without CORS headers, which does not heal in 10 minutes,
//    and JSONP needs none.
// 5. A transport that died twice or more during this session is ranked down for the next reconnect.
// 6. "ok" keeps the transport's place; the best-ranked one that worked last time may open the session directly.
// 7. Ties (same standing) keep the user's order.
// Score = 100 if not ranked down + 10 × preference (the first of n candidates gets n, the last 1); 0 when
// unsupported. So ≥ 100: healthy; 10–99: ranked down; 0: unsupported; higher is better.

import type { ProbeResult, TransportName, TransportTraits } from "./transport.js";
import type { MemoryRecords, TransportOutcome } from "./transport-memory.js";
import { TRANSPORT_NAMES } from "./transport-memory-format.js";

export const DEFAULT_TRANSPORT_ORDER = TRANSPORT_NAMES;

/** One row of `socket.io.ranking()`, best first. */
export interface RankingRow {
  readonly name: TransportName;
  readonly supported: boolean;
  /** Why it stands where it does, in a few words. */
  readonly reason: string;
  readonly score: number;
  readonly last: TransportOutcome | null;
  readonly rttMs: number | null;
}

/** A transport factory fits: only the name and traits are read. */
export interface RankingCandidate {
  readonly name: TransportName;
  readonly traits: TransportTraits;
}

export interface RankingContext {
  /** The Engine.IO URL's origin differs from the page's. */
  readonly crossOrigin?: boolean;
  /** How many times each transport died during this session (after opening). */
  readonly sessionFailures?: Partial<Record<TransportName, number>>;
  /** Current time (ms since the epoch) to judge memory's age; default `Date.now()`. */
  readonly now?: number;
}

export const HEALTHY_SCORE = 100;
const PREFERENCE_STEP = 10;
/** Penalty after one bad outcome; doubles with each further one in a row. */
export const RETRY_AFTER_MS = 600_000; // 10 min
const SESSION_FAILURE_LIMIT = 2;

/** How a bad outcome reads; "failed" reads as itself. */
const VERB: Partial<Record<TransportOutcome, string>> = { timeout: "timed out", buffered: "was buffered by a proxy" };

/** `probes[i]` is `candidates[i]`'s; of a duplicated name, the first candidate counts. */
export function rankTransports(
  candidates: readonly RankingCandidate[],
  probes: readonly ProbeResult[],
  memory: MemoryRecords | undefined,
  { crossOrigin, sessionFailures, now = Date.now() }: RankingContext = {},
): RankingRow[] {
  const unique = candidates.filter((c, i) => candidates.findIndex((d) => d.name === c.name) === i);
  return unique
    .map((c, i) => {
      const { name, traits } = c;
      const probe = probes[candidates.indexOf(c)]!;
      const supported = probe.supported;
      const rec = memory?.[name];
      const died = sessionFailures?.[name] ?? 0;
      let reason = probe.reason;
      let down = died >= SESSION_FAILURE_LIMIT;
      if (!supported) {
        // listed with the probe's reason, never tried
      } else if (down) {
        reason = `died ${died} times this session`;
      } else if (rec) {
        const age = now - rec.at;
        const on = `${ago(age)}on this origin`;
        if (rec.last == "ok") {
          reason = `worked ${on}`; // its RTT is in the row's rttMs
        } else {
          // No CORS on the server is the usual cause of a cross-origin polling failure: it does not heal by waiting.
          const noCors = crossOrigin && traits.crossOrigin == "cors" && !traits.duplex && !traits.streaming;
          down = noCors || age < RETRY_AFTER_MS * 2 ** (rec.failures - 1);
          reason = (VERB[rec.last] ?? rec.last) + (rec.failures > 1 ? ` ${rec.failures} times in a row, ` : " ") + on;
          reason += noCors ? " (no CORS?)" : down ? "" : "; trying again";
        }
      }
      const score = supported ? (down ? 0 : HEALTHY_SCORE) + PREFERENCE_STEP * (unique.length - i) : 0;
      return { name, supported: score > 0, reason, score, last: rec?.last ?? null, rttMs: rec?.rttMs ?? null };
    })
    .sort((a, b) => b.score - a.score); // stable: equal scores (the unsupported) keep the user's order
}

/** Supported but ranked down (memory or this session): not worth an upgrade probe for now. */
export function isRankedDown(row: RankingRow): boolean {
  return row.supported && row.score < HEALTHY_SCORE;
}

/** "2 min ago " (with the trailing space). */
function ago(ms: number): string {
  return ms < 60_000 ? "just now " : ms < 7_200_000 ? `${Math.floor(ms / 60_000)} min ago ` : `${Math.floor(ms / 3_600_000)} h ago `;
}

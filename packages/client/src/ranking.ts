// Ranking: orders the candidate transports best first from the static probes, the origin's memory and this
// session's failures; `planFromRanking` turns the rows into a connection plan. Pure: same input, same output.
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
import type { MemoryRecord, MemoryRecords, TransportOutcome } from "./transport-memory.js";
import { MEMORY_TTL_MS } from "./transport-memory.js";
import { OUTCOMES, isTime, own } from "./transport-memory-format.js";

/** Own properties only: a `__proto__` or `constructor` key in foreign data is not a transport. */
const pick = own as <T>(o: Partial<Record<TransportName, T>> | undefined, name: TransportName) => T | undefined;

export const DEFAULT_TRANSPORT_ORDER: readonly TransportName[] = [
  "websocket",
  "flashsocket",
  "xhr-multipart",
  "htmlfile",
  "polling",
  "jsonp",
];

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
  /** Current time (ms since the epoch) to judge memory's age; without it every record counts as recent. */
  readonly now?: number;
  readonly ttlMs?: number;
}

export const HEALTHY_SCORE = 100;
const PREFERENCE_STEP = 10;
/** Penalty after one bad outcome; doubles with each further one in a row. */
export const RETRY_AFTER_MS = 10 * 60 * 1000;
const SESSION_FAILURE_LIMIT = 2;

const VERB: Record<Exclude<TransportOutcome, "ok">, string> = {
  failed: "failed",
  timeout: "timed out",
  buffered: "was buffered by a proxy",
};

export function rankTransports(
  candidates: readonly RankingCandidate[],
  probes: Partial<Record<TransportName, ProbeResult>>,
  memory: MemoryRecords | undefined,
  context: RankingContext = {},
): RankingRow[] {
  const unique = candidates.filter((c, i) => candidates.findIndex((d) => d.name === c.name) === i);
  const n = unique.length;
  const ttl = context.ttlMs ?? MEMORY_TTL_MS;
  const rows = unique.map((c, index) => {
    const probe = pick(probes, c.name);
    const rec = usableRecord(pick(memory, c.name), context.now, ttl);
    const last = rec?.last ?? null;
    const rttMs = rec?.rttMs ?? null;
    let reason: string;
    let score = 0; // unsupported; a supported one scores at least PREFERENCE_STEP
    if (!probe || typeof probe.supported !== "boolean") reason = "not probed";
    else if (!probe.supported) reason = probe.reason;
    else {
      const trouble = troubleReason(c, rec, context, ttl);
      reason = trouble ?? healthyReason(probe, rec, context.now);
      score = (trouble ? 0 : HEALTHY_SCORE) + PREFERENCE_STEP * (n - index);
    }
    return { index, row: { name: c.name, supported: score > 0, reason, score, last, rttMs } };
  });
  rows.sort((a, b) => b.row.score - a.row.score || a.index - b.index);
  return rows.map((r) => r.row);
}

/** Supported but ranked down (memory or this session): not worth an upgrade probe for now. */
export function isRankedDown(row: RankingRow): boolean {
  return row.supported && row.score < HEALTHY_SCORE;
}

/** Why `c` is ranked down, or null when it is not. */
function troubleReason(
  c: RankingCandidate,
  rec: MemoryRecord | undefined,
  context: RankingContext,
  ttl: number,
): string | null {
  const died = pick(context.sessionFailures, c.name) ?? 0;
  if (died >= SESSION_FAILURE_LIMIT) return `died ${died} times this session`;
  if (!rec || rec.last === "ok") return null;
  const age = context.now === undefined ? undefined : context.now - rec.at;
  const times = rec.failures >= 2 ? ` ${rec.failures} times in a row, last` : "";
  const said = `${VERB[rec.last]}${times} ${ago(age)}on this origin`;
  const penalty = Math.min(ttl, RETRY_AFTER_MS * 2 ** (Math.min(rec.failures, 32) - 1));
  if (age === undefined || age < penalty) return said;
  const pollingClass = !c.traits.duplex && !c.traits.streaming;
  if (context.crossOrigin && c.traits.crossOrigin === "cors" && pollingClass) {
    return `${said} (cross-origin: no CORS?)`;
  }
  return null;
}

function healthyReason(probe: ProbeResult, rec: MemoryRecord | undefined, now: number | undefined): string {
  if (!rec) return probe.reason;
  const age = now === undefined ? undefined : now - rec.at;
  if (rec.last === "ok") {
    return `worked ${ago(age)}on this origin` + (rec.rttMs === null ? "" : `, RTT ${Math.round(rec.rttMs)} ms`);
  }
  return `${VERB[rec.last]} ${ago(age)}on this origin; trying again`;
}

/** "2 min ago " (with the trailing space), or "" when the age is unknown. */
function ago(ms: number | undefined): string {
  if (ms === undefined) return "";
  if (ms < 60_000) return "just now ";
  if (ms < 2 * 3_600_000) return `${Math.floor(ms / 60_000)} min ago `;
  return `${Math.floor(ms / 3_600_000)} h ago `;
}

/** A memory record worth believing: known shape, not older than the TTL, not from the future. */
function usableRecord(rec: MemoryRecord | undefined, now: number | undefined, ttl: number): MemoryRecord | undefined {
  if (typeof rec !== "object" || rec === null || !OUTCOMES.includes(rec.last)) return undefined;
  if (typeof rec.at !== "number" || !Number.isFinite(rec.at)) return undefined;
  if (now !== undefined && (now - rec.at > ttl || rec.at - now > 60_000)) return undefined;
  const failures = Number.isInteger(rec.failures) && rec.failures > 0 ? rec.failures : rec.last === "ok" ? 0 : 1;
  const rttMs = isTime(rec.rttMs) ? rec.rttMs : null;
  return { last: rec.last, at: rec.at, failures, rttMs };
}

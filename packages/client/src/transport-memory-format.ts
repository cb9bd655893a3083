// The stored form of the transport memory: one JSON value under a versioned key, read back as untrusted input.
// Parsing keeps what is valid field by field and drops the rest; nothing here throws or follows prototypes.
// @see ./transport-memory.ts

import type { TransportName } from "./transport.js";

export type TransportOutcome = "ok" | "failed" | "timeout" | "buffered";

/** What the memory knows about one transport on one origin. */
export interface MemoryRecord {
  readonly last: TransportOutcome;
  /** When `last` happened (ms since the epoch, from the memory's clock). */
  readonly at: number;
  /** Outcomes other than "ok" in a row since the last "ok" (capped at {@link MAX_FAILURES}). */
  readonly failures: number;
  /** Smoothed handshake/probe round-trip time in ms, null until one is measured. */
  readonly rttMs: number | null;
}

export type MemoryRecords = Partial<Record<TransportName, MemoryRecord>>;

export const MAX_FAILURES = 99;
/** Anything longer than this under our key is not ours (20 origins × ~1 KB). Not even parsed. */
export const MAX_STORED_CHARS = 64 * 1024;
export const MAX_KEY_CHARS = 512;
export const MAX_RTT_MS = 120_000;

export const TRANSPORT_NAMES: readonly TransportName[] = ["websocket", "flashsocket", "xhr-multipart", "htmlfile", "polling", "jsonp"];
export const OUTCOMES: readonly TransportOutcome[] = ["ok", "failed", "timeout", "buffered"];

export interface OriginEntry {
  used: number;
  transports: MemoryRecords;
}
/** Most recently used first. A Map, so keys like `__proto__` are plain data. */
export type MemoryState = Map<string, OriginEntry>;

interface StoredOrigin {
  key: string;
  used: number;
  transports: MemoryRecords;
}

/** Stored shape: `{"origins":[{key, used, transports: {websocket: {last, at, failures, rttMs}}}]}`, MRU first. */
export function serializeState(state: MemoryState): { origins: StoredOrigin[] } {
  const origins: StoredOrigin[] = [];
  for (const [key, e] of state) origins.push({ key, used: e.used, transports: e.transports });
  return { origins };
}

/**
 * Whatever is stored → a valid state, most recently used first. Unknown names, bad fields, duplicate keys and
 * origins past the limit are dropped one by one; nothing here throws.
 */
export function parseState(raw: string | null, limit: number): MemoryState {
  const state: MemoryState = new Map();
  if (typeof raw !== "string" || raw.length > MAX_STORED_CHARS) return state;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return state;
  }
  const origins = isObject(data) ? own(data, "origins") : undefined;
  if (!Array.isArray(origins)) return state;
  const found: [string, OriginEntry][] = [];
  const seen = new Set<string>();
  for (const o of origins) {
    if (!isObject(o)) continue;
    const key = own(o, "key");
    const used = own(o, "used");
    const ts = own(o, "transports");
    if (typeof key !== "string" || key.length === 0 || key.length > MAX_KEY_CHARS || seen.has(key)) continue;
    if (!isTime(used) || !isObject(ts)) continue;
    const transports: MemoryRecords = {};
    for (const name of TRANSPORT_NAMES) {
      const r = parseRecord(own(ts, name));
      if (r) transports[name] = r;
    }
    seen.add(key);
    found.push([key, { used, transports }]);
  }
  found.sort((a, b) => b[1].used - a[1].used); // stable: equal times keep the stored order
  for (const [key, entry] of found.slice(0, limit)) state.set(key, entry);
  return state;
}

function parseRecord(v: unknown): MemoryRecord | undefined {
  if (!isObject(v)) return undefined;
  const last = own(v, "last");
  const at = own(v, "at");
  const failures = own(v, "failures");
  const rttMs = own(v, "rttMs");
  if (!OUTCOMES.includes(last as TransportOutcome) || !isTime(at)) return undefined;
  if (typeof failures !== "number" || !Number.isInteger(failures) || failures < 0) return undefined;
  if (rttMs !== null && !(typeof rttMs === "number" && Number.isFinite(rttMs) && rttMs >= 0)) return undefined;
  return { last: last as TransportOutcome, at, failures: Math.min(failures, MAX_FAILURES), rttMs: rttMs === null ? null : Math.min(rttMs, MAX_RTT_MS) };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Own data properties only: never walk the prototype chain of something we parsed. */
function own(o: Record<string, unknown>, k: string): unknown {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function isTime(v: unknown): v is number {
  return typeof v === "number" && Number.isFinite(v) && v >= 0;
}

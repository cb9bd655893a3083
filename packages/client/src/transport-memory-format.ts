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

/** Stored shape: `{"origins":[{key, used, transports: {websocket: {last, at, failures, rttMs}}}]}`, MRU first. */
export function serializeState(state: MemoryState): { origins: Array<{ key: string } & OriginEntry> } {
  return { origins: [...state].map(([key, e]) => ({ key, ...e })) };
}

/**
 * Whatever is stored → a valid state, most recently used first. Unknown names, bad fields, duplicate keys (the
 * first wins) and origins past the limit are dropped one by one; nothing here throws. Every field is read with
 * `own`, which answers undefined for non-objects, so one missing or mistyped level just fails its check.
 */
export function parseState(raw: string | null, limit: number): MemoryState {
  const found = new Map<string, OriginEntry>();
  let data: unknown;
  try {
    if (typeof raw === "string" && raw.length <= MAX_STORED_CHARS) data = JSON.parse(raw);
  } catch {
    // not ours: start empty
  }
  const origins = own(data, "origins");
  for (const o of Array.isArray(origins) ? origins : []) {
    const key = own(o, "key");
    const used = own(o, "used");
    const ts = own(o, "transports");
    if (typeof key !== "string" || !key || key.length > MAX_KEY_CHARS || found.has(key) || !isTime(used)) continue;
    if (typeof ts !== "object" || !ts || Array.isArray(ts)) continue;
    const transports: MemoryRecords = {};
    for (const name of TRANSPORT_NAMES) {
      const r = own(ts, name);
      const last = own(r, "last") as TransportOutcome;
      const at = own(r, "at");
      const failures = own(r, "failures");
      const rttMs = own(r, "rttMs");
      if (OUTCOMES.includes(last) && isTime(at) && Number.isInteger(failures) && isTime(failures) && (rttMs === null || isTime(rttMs))) {
        transports[name] = { last, at, failures: Math.min(failures, MAX_FAILURES), rttMs: rttMs && Math.min(rttMs, MAX_RTT_MS) };
      }
    }
    found.set(key, { used, transports });
  }
  // Sorting is stable: equal times keep the stored order.
  return new Map([...found].sort((a, b) => b[1].used - a[1].used).slice(0, limit));
}

/** An own data property of an object, else undefined: never walk the prototype chain of something we parsed. */
export function own(o: unknown, k: string): unknown {
  return typeof o === "object" && o && Object.prototype.hasOwnProperty.call(o, k) ? (o as Record<string, unknown>)[k] : undefined;
}

/** A finite number ≥ 0 (JSON.parse turns `1e999` into Infinity): times, counts, RTTs. */
export function isTime(v: unknown): v is number {
  return typeof v === "number" && v >= 0 && v < Infinity;
}

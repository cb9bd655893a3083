// The stored form of the transport memory: one JSON value under a versioned key, read back as untrusted input.
// Parsing keeps what is valid field by field and drops the rest; nothing here throws.
// @see ./transport-memory.ts

import type { TransportName } from "./transport.js";

export type TransportOutcome = "ok" | "failed" | "timeout" | "buffered";

/** What the memory knows about one transport on one origin. */
export interface MemoryRecord {
  readonly last: TransportOutcome;
  /** When `last` happened (ms since the epoch, from the memory's clock). */
  readonly at: number;
  /** Outcomes other than "ok" in a row since the last "ok" (recording caps it at {@link MAX_FAILURES}). */
  readonly failures: number;
  /** Smoothed handshake/probe round-trip time in ms, null until one is measured. */
  readonly rttMs: number | null;
}

export type MemoryRecords = Partial<Record<TransportName, MemoryRecord>>;

export const MAX_FAILURES = 99;
/** Anything longer than this under our key is not ours (20 origins × ~1 KB). Not even parsed. */
const MAX_STORED_CHARS = 64 * 1024;
export const MAX_KEY_CHARS = 512;

/** Every transport omnio has, in its default order (ranking.ts's DEFAULT_TRANSPORT_ORDER). */
export const TRANSPORT_NAMES: readonly TransportName[] = ["websocket", "flashsocket", "xhr-multipart", "htmlfile", "polling", "jsonp"];
export const OUTCOMES: readonly TransportOutcome[] = ["ok", "failed", "timeout", "buffered"];

export interface OriginEntry {
  readonly key: string;
  readonly transports: MemoryRecords;
}
/** Most recently recorded first: exactly what is stored, `{"origins": MemoryState}`. */
export type MemoryState = OriginEntry[];

/** What JSON.parse may give: read any field of it without a type check first (a wrong level reads undefined). */
type Untrusted = { readonly [k: string]: Untrusted } | undefined;

/**
 * Whatever is stored → a valid state, in stored order. Unknown names, bad fields and origins past the limit are
 * dropped one by one (a duplicate key is harmless: lookups find the first, a write replaces them all). JSON.parse
 * makes own properties only (`__proto__` is plain data), and every field read is type-checked, so nothing in the
 * value can throw or pose as a record.
 */
export function parseState(raw: string | null, limit: number): MemoryState {
  const state: MemoryState = [];
  let origins: unknown;
  try {
    origins = raw && raw.length <= MAX_STORED_CHARS && (JSON.parse(raw) as Untrusted)?.origins;
  } catch {
    // not JSON: start empty
  }
  for (const o of Array.isArray(origins) ? (origins as Untrusted[]) : []) {
    const key: unknown = o?.key;
    if (state.length < limit && typeof key == "string" && key && key.length <= MAX_KEY_CHARS) {
      const transports: MemoryRecords = {};
      for (const name of TRANSPORT_NAMES) {
        const { last, at, failures, rttMs }: Record<string, unknown> = o?.transports?.[name] ?? {};
        if (OUTCOMES.includes(last as TransportOutcome) && isTime(at) && isTime(failures) && Number.isInteger(failures) && (rttMs === null || isTime(rttMs))) {
          transports[name] = { last: last as TransportOutcome, at, failures, rttMs };
        }
      }
      state.push({ key, transports });
    }
  }
  return state;
}

/** A finite number ≥ 0 (JSON.parse turns `1e999` into Infinity): times, counts, RTTs. */
export function isTime(v: unknown): v is number {
  return typeof v == "number" && v >= 0 && v < Infinity;
}

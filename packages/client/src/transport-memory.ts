// Transport memory: per origin (+ Engine.IO path), what happened the last time each transport was tried and how
// fast the origin answered. Kept in localStorage under one versioned key when storage works, in memory
// otherwise. Everything read back is untrusted: a corrupt, foreign or hostile value is ignored, never thrown.
// @see ../../../../shared/DESIGN.md "Probing and ranking", step 3

import type { TransportName } from "./transport.js";
import {
  MAX_FAILURES,
  MAX_KEY_CHARS,
  TRANSPORT_NAMES as NAMES,
  isTime,
  parseState,
  type MemoryRecords,
  type MemoryState as State,
  type TransportOutcome,
} from "./transport-memory-format.js";

export type { MemoryRecord, MemoryRecords, TransportOutcome } from "./transport-memory-format.js";

export interface TransportMemory {
  /** Records for `originKey` that are younger than the TTL (a fresh object: mutate freely). */
  get(originKey: string): MemoryRecords;
  /** Note an outcome; `rttMs` (when finite and ≥ 0) feeds the smoothed RTT. Never throws. */
  record(originKey: string, name: TransportName, outcome: TransportOutcome, rttMs?: number): void;
}

export interface TransportMemoryOptions {
  /**
   * Where records outlive the page (`localStorageOf(globalThis)`); none (`rememberTransport: false`, or no
   * storage here): records live in this object only.
   */
  storage?: Pick<Storage, "getItem" | "setItem"> | null;
  /** Tests: a clock of their own. */
  now?: () => number;
}

export const MEMORY_STORAGE_KEY = "omnio:transports:v1";
/**
 * 24 h. What makes a transport fail is mostly the network the device is on (a proxy that strips `Upgrade`,
 * buffers streams, a captive portal), and devices change networks on a daily rhythm. Past a day a record is
 * weak evidence; the cost of forgetting is one upgrade probe, the cost of trusting stale "ok" is a failed
 * direct handshake (one probe deadline) before falling back.
 */
export const MEMORY_TTL_MS = 86_400_000;
/**
 * Most origins kept (the least recently recorded is evicted): a page talks to a handful of Engine.IO endpoints;
 * 20 is generous and keeps the value under ~20 KB.
 */
export const MEMORY_ORIGIN_LIMIT = 20;
/** A record dated this far in the future means the clock moved or the value is forged: ignored. */
const MAX_CLOCK_SKEW_MS = 60_000;
/** Weight of a new RTT sample: samples are rare (one per connection), so follow changes fairly quickly. */
const RTT_ALPHA = 0.25;

type Storageish = NonNullable<TransportMemoryOptions["storage"]>;

/**
 * The memory key of an Engine.IO endpoint: origin + path with a trailing slash (`https://h:8080/socket.io/`).
 * A string must be an absolute URL (as for `new URL`); the session passes the URL it already parsed.
 */
export function memoryKey(url: URL | string): string {
  const u = new URL(url); // a URL is copied
  return u.origin + u.pathname.replace(/\/?$/, "/");
}

export function createTransportMemory(options: TransportMemoryOptions = {}): TransportMemory {
  const now = options.now ?? Date.now;
  let storage = options.storage;
  let mem: State = [];

  /** Current state: storage when it answers (another tab may have written), else what this object holds. */
  function load(): State {
    try {
      if (storage) mem = parseState(storage.getItem(MEMORY_STORAGE_KEY), MEMORY_ORIGIN_LIMIT);
    } catch {
      storage = null; // SecurityError, disabled storage: from now on, memory only
    }
    return mem;
  }

  function get(originKey: string): MemoryRecords {
    const out: MemoryRecords = {};
    const ts = load().find((o) => o.key === originKey)?.transports;
    const t = now();
    for (const name of NAMES) {
      const r = ts?.[name];
      if (r && t - r.at <= MEMORY_TTL_MS && r.at - t <= MAX_CLOCK_SKEW_MS) out[name] = { ...r };
    }
    return out;
  }

  return {
    get,
    record(originKey, name, outcome, rttMs) {
      // One huge key could push the stored value past what parseState reads, losing every origin's records.
      if (originKey.length > MAX_KEY_CHARS) return;
      const transports = get(originKey); // fresh records only: a streak older than the TTL starts over
      const prev = transports[name];
      const old = prev ? prev.rttMs : null;
      const rtt = isTime(rttMs) ? (old === null ? rttMs : old + RTT_ALPHA * (rttMs - old)) : old;
      transports[name] = {
        last: outcome,
        at: now(),
        failures: outcome == "ok" ? 0 : Math.min(MAX_FAILURES, (prev?.failures ?? 0) + 1),
        rttMs: rtt,
      };
      mem = [{ key: originKey, transports }, ...mem.filter((o) => o.key !== originKey)].slice(0, MEMORY_ORIGIN_LIMIT);
      try {
        storage?.setItem(MEMORY_STORAGE_KEY, JSON.stringify({ origins: mem }));
      } catch {
        storage = null; // quota exceeded, Safari private mode: keep going in memory with what we have
      }
    },
  };
}

/**
 * `g.localStorage`, or null: the getter itself throws in sandboxed frames and opaque origins. Something that is
 * no Storage fails its first call, caught like a disabled storage.
 */
export function localStorageOf(g: typeof globalThis): Storageish | null {
  try {
    return g.localStorage || null;
  } catch {
    return null;
  }
}

// Transport memory: per origin (+ Engine.IO path), what happened the last time each transport was tried and how
// fast the origin answered. Kept in localStorage under one versioned key when storage works, in memory
// otherwise. Everything read back is untrusted: a corrupt, foreign or hostile value is ignored, never thrown.
// @see ../../../../shared/DESIGN.md "Probing and ranking", step 3

import type { TransportName } from "./transport.js";
import {
  MAX_FAILURES,
  MAX_KEY_CHARS,
  MAX_RTT_MS,
  OUTCOMES,
  isTime,
  TRANSPORT_NAMES as NAMES,
  parseState,
  serializeState,
  type MemoryRecord,
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
  /** Forget one origin, or everything. */
  forget(originKey?: string): void;
  /** True while records go to storage and outlive the page. */
  readonly persistent: boolean;
}

export interface TransportMemoryOptions {
  /** `undefined`: `globalThis.localStorage` if reachable. `null`: memory only. */
  storage?: Pick<Storage, "getItem" | "setItem" | "removeItem"> | null;
  /** `false` (the `rememberTransport: false` option): never read or write storage; records live in this object. */
  remember?: boolean;
  now?: () => number;
  /** Most origins kept; the least recently recorded is evicted. */
  limit?: number;
  ttlMs?: number;
}

export const MEMORY_STORAGE_KEY = "omnio:transports:v1";
/**
 * 24 h. What makes a transport fail is mostly the network the device is on (a proxy that strips `Upgrade`,
 * buffers streams, a captive portal), and devices change networks on a daily rhythm. Past a day a record is
 * weak evidence; the cost of forgetting is one upgrade probe, the cost of trusting stale "ok" is a failed
 * direct handshake (one probe deadline) before falling back.
 */
export const MEMORY_TTL_MS = 24 * 60 * 60 * 1000;
/** A page talks to a handful of Engine.IO endpoints; 20 is generous and keeps the value under ~20 KB. */
export const MEMORY_ORIGIN_LIMIT = 20;
/** Weight of a new RTT sample: samples are rare (one per connection), so follow changes fairly quickly. */
const RTT_ALPHA = 0.25;
/** A record dated this far in the future means the clock moved or the value is forged: ignored. */
const MAX_CLOCK_SKEW_MS = 60_000;

type Storageish = NonNullable<TransportMemoryOptions["storage"]>;

/**
 * The memory key of an Engine.IO endpoint: origin + path with a trailing slash (`https://h:8080/socket.io/`).
 * A string must be an absolute URL (as for `new URL`); the session passes the URL it already parsed.
 */
export function memoryKey(url: URL | string): string {
  const u = typeof url === "string" ? new URL(url) : url;
  return u.origin + u.pathname.replace(/\/?$/, "/");
}

export function createTransportMemory(options: TransportMemoryOptions = {}): TransportMemory {
  const now = options.now ?? Date.now;
  const limit = clampInt(options.limit, 1, 1000, MEMORY_ORIGIN_LIMIT);
  const ttl = options.ttlMs! > 0 ? options.ttlMs! : MEMORY_TTL_MS; // undefined and NaN are not > 0
  let storage: Storageish | null = options.remember === false ? null : options.storage === undefined ? localStorageOf(globalThis) : options.storage;
  let mem: State = new Map();
  let lastRaw: string | null = null;

  /** Current state: storage when it answers (another tab may have written), else what this object holds. */
  function load(): State {
    if (!storage) return mem;
    let raw: string | null;
    try {
      raw = storage.getItem(MEMORY_STORAGE_KEY);
    } catch {
      storage = null; // SecurityError, disabled storage: from now on, memory only
      return mem;
    }
    if (raw !== lastRaw) {
      lastRaw = raw;
      mem = parseState(raw, limit);
    }
    return mem;
  }

  function save(state: State): void {
    mem = state;
    if (!storage) return;
    const raw = JSON.stringify(serializeState(state));
    try {
      storage.setItem(MEMORY_STORAGE_KEY, raw);
      lastRaw = raw;
    } catch {
      storage = null; // quota exceeded, Safari private mode: keep going in memory with what we have
    }
  }

  function fresh(r: MemoryRecord, t: number): boolean {
    return t - r.at <= ttl && r.at - t <= MAX_CLOCK_SKEW_MS;
  }

  return {
    get persistent() {
      return storage !== null;
    },
    get(originKey) {
      const out: MemoryRecords = {};
      const entry = load().get(originKey);
      if (!entry) return out;
      const t = now();
      for (const name of NAMES) {
        const r = entry.transports[name];
        if (r && fresh(r, t)) out[name] = { ...r };
      }
      return out;
    },
    record(originKey, name, outcome, rttMs) {
      if (typeof originKey !== "string" || originKey.length > MAX_KEY_CHARS) return;
      if (!NAMES.includes(name) || !OUTCOMES.includes(outcome)) return;
      const t = now();
      if (!Number.isFinite(t)) return;
      const state = new Map(load());
      const prevEntry = state.get(originKey);
      const transports: MemoryRecords = { ...prevEntry?.transports };
      const prev = transports[name] && fresh(transports[name]!, t) ? transports[name] : undefined;
      const sample = isTime(rttMs) ? Math.min(rttMs, MAX_RTT_MS) : null;
      const rtt = sample === null ? prev?.rttMs ?? null : prev?.rttMs == null ? sample : prev.rttMs + RTT_ALPHA * (sample - prev.rttMs);
      transports[name] = {
        last: outcome,
        at: t,
        failures: outcome === "ok" ? 0 : Math.min(MAX_FAILURES, (prev?.failures ?? 0) + 1),
        rttMs: rtt === null ? null : Math.round(rtt * 10) / 10,
      };
      state.delete(originKey);
      const next: State = new Map([[originKey, { used: t, transports }]]);
      for (const [k, v] of state) if (next.size < limit) next.set(k, v);
      save(next);
    },
    forget(originKey) {
      if (originKey === undefined) {
        mem = new Map();
        lastRaw = null;
        try {
          storage?.removeItem(MEMORY_STORAGE_KEY);
        } catch {
          storage = null;
        }
        return;
      }
      const state = new Map(load());
      if (state.delete(originKey)) save(state);
    },
  };
}

/** `g.localStorage` when it is a Storage, else null: the getter itself throws in sandboxed frames and opaque origins. */
export function localStorageOf(g: typeof globalThis): Storageish | null {
  try {
    const s = (g as { localStorage?: Partial<Storageish> }).localStorage;
    return s && typeof s.getItem === "function" && typeof s.setItem === "function" && typeof s.removeItem === "function" ? (s as Storageish) : null;
  } catch {
    return null;
  }
}

function clampInt(v: number | undefined, min: number, max: number, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? Math.max(min, Math.min(max, Math.floor(v))) : fallback;
}

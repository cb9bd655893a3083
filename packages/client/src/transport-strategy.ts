// A Manager's transport strategy: ranks its transports (static probes + what this origin's memory says + how
// often each died during this Manager's life) and takes the outcomes its sessions report back into memory.
// The Engine asks it for rows and tells it what happened; it holds no timer and touches no network.
// @see ./ranking.ts (rules), ./plan.ts (rows → plan), ../../../../shared/DESIGN.md "Probing and ranking"

import { rankTransports, type RankingRow } from "./ranking.js";
import { createTransportMemory, localStorageOf, memoryKey, type TransportMemory, type TransportOutcome } from "./transport-memory.js";
import type { ProbeResult, TransportFactory, TransportName } from "./transport.js";

/** What the Engine needs from a strategy. */
export interface EngineStrategy {
  /** The transports ranked best first for these static probes (same order as the user's transports). */
  rank(probes: readonly ProbeResult[]): RankingRow[];
  /** One outcome of a handshake or an upgrade probe; `rttMs` when it was measured. */
  record(name: TransportName, outcome: TransportOutcome, rttMs?: number): void;
  /** The transport carrying an open session died (error or silence): counts towards ranking it down. */
  died(name: TransportName): void;
  /** A fixed probe deadline (ms) instead of the RTT-derived one. */
  readonly probeTimeout?: number;
}

export interface TransportStrategyOptions {
  /** `false`: outcomes are kept in this object only, never in localStorage (`rememberTransport: false`). */
  rememberTransport?: boolean;
  probeTimeout?: number;
  /** The global object to find `localStorage` and `location` on. */
  global?: typeof globalThis;
  /** Tests: a memory of their own (a fake storage, a fake clock). */
  memory?: TransportMemory;
}

/** Deaths within one Manager's life after which a transport's memory says "failed" (ranking.ts: 2). */
const DEATHS_REMEMBERED = 2;

export class TransportStrategy implements EngineStrategy {
  readonly memory: TransportMemory;
  /** Origin + Engine.IO path: the memory key. */
  readonly key: string;
  /** How many times each transport died while carrying a session of this Manager. Never reset. */
  readonly sessionFailures: Partial<Record<TransportName, number>> = {};
  readonly probeTimeout?: number;
  private readonly _crossOrigin: boolean;

  constructor(
    base: string,
    private readonly _transports: readonly TransportFactory[],
    opts: TransportStrategyOptions = {},
  ) {
    const url = new URL(base);
    const g = opts.global ?? globalThis;
    this.key = memoryKey(url);
    this.probeTimeout = opts.probeTimeout;
    this._crossOrigin = crossOrigin(g, url);
    // With `remember: false` the memory ignores the storage handed to it.
    this.memory = opts.memory ?? createTransportMemory({ remember: opts.rememberTransport, storage: localStorageOf(g) });
  }

  rank(probes: readonly ProbeResult[]): RankingRow[] {
    return rankTransports(this._transports, byName(this._transports, probes), this.memory.get(this.key), {
      crossOrigin: this._crossOrigin,
      sessionFailures: this.sessionFailures,
      now: Date.now(),
    });
  }

  record(name: TransportName, outcome: TransportOutcome, rttMs?: number): void {
    this.memory.record(this.key, name, outcome, rttMs);
  }

  died(name: TransportName): void {
    const n = (this.sessionFailures[name] = (this.sessionFailures[name] ?? 0) + 1);
    // Repeated deaths also warn the next page load on this origin, not only this Manager's next reconnect.
    if (n >= DEATHS_REMEMBERED) this.memory.record(this.key, name, "failed");
  }
}

/** The page's origin differs from `url`'s (also for the static probes, engine.ts). */
export function crossOrigin(g: typeof globalThis, url: URL): boolean {
  try {
    return !!g.location && g.location.origin !== url.origin;
  } catch {
    return true; // a location we may not read belongs to another origin
  }
}

/** Without a Manager's strategy: the static probes in the user's order, nothing remembered. */
export function staticStrategy(transports: readonly TransportFactory[]): EngineStrategy {
  return {
    rank: (probes) => rankTransports(transports, byName(transports, probes), undefined),
    record() {},
    died() {},
  };
}

/** Probe results (same order as the transports) keyed by name; the first of a duplicated name counts. */
function byName(transports: readonly TransportFactory[], probes: readonly ProbeResult[]): Partial<Record<TransportName, ProbeResult>> {
  const out: Partial<Record<TransportName, ProbeResult>> = {};
  for (let i = transports.length; i--; ) out[transports[i]!.name] = probes[i]; // backwards: the first one wins
  return out;
}

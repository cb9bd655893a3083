// The ranking strategy (opt-in: `connect(url, { transports, strategy: ranked })`, on in the `omnio` preset): ranks
// a Manager's transports (static probes + what this origin's memory says + how often each died during this
// Manager's life), plans each session's handshake and upgrades (plan.ts, upgrade.ts), and takes the outcomes
// back into memory. Without it a session tries the supported transports in the user's order and never upgrades.
// @see ./ranking.ts (rules), ./plan.ts (rows → plan), ../../../../shared/DESIGN.md "Probing and ranking"

import type { Engine, EngineStrategy, HandshakeFailure, HandshakeInfo, HandshakeStep } from "./engine.js";
import { crossOrigin } from "./engine.js";
import type { ManagerOptions } from "./manager.js";
import { planConnection, type UpgradeStep } from "./plan.js";
import { rankTransports, type RankingRow } from "./ranking.js";
import { runUpgrades } from "./upgrade.js";
import { createTransportMemory, localStorageOf, memoryKey, type TransportMemory, type TransportOutcome } from "./transport-memory.js";
import type { ProbeResult, TransportFactory, TransportName } from "./transport.js";

export type { EngineStrategy };

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

  handshake(probes: readonly ProbeResult[]): HandshakeStep[] {
    // A fresh plan each time: the engine may consume its arrays.
    return planConnection(this._transports, this.rank(probes), undefined, this).handshake as HandshakeStep[];
  }

  opened(engine: Engine, rttMs: number, failed: readonly HandshakeFailure[]): () => void {
    const info: HandshakeInfo = { transport: engine.transport!.name, upgrades: engine.handshake!.upgrades, rttMs };
    // Something opened, so the failures before it were the transports', not the server's or the network's.
    for (const [name, outcome] of failed) this.record(name, outcome);
    this.record(info.transport as TransportName, "ok", info.rttMs);
    const steps = planConnection(this._transports, this.rank(engine.probes), info, this).upgrades as UpgradeStep[];
    return () => runUpgrades(engine, steps, (name, outcome, rttMs) => this.record(name, outcome, rttMs));
  }

  rank(probes: readonly ProbeResult[]): RankingRow[] {
    return rankTransports(this._transports, byName(this._transports, probes), this.memory.get(this.key), {
      crossOrigin: this._crossOrigin,
      sessionFailures: this.sessionFailures,
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

/**
 * The ranking strategy for `connect()`'s `strategy` option (the `omnio` preset sets it): static probes, this
 * origin's memory and this Manager's transport deaths rank the transports; the session handshakes on the most
 * dependable (or the remembered best) and upgrades to better ones, each probe with an RTT-derived deadline.
 */
export const ranked = (uri: string, opts: ManagerOptions): EngineStrategy => new TransportStrategy(uri, opts.transports, opts);

/** Probe results (same order as the transports) keyed by name; the first of a duplicated name counts. */
function byName(transports: readonly TransportFactory[], probes: readonly ProbeResult[]): Partial<Record<TransportName, ProbeResult>> {
  const out: Partial<Record<TransportName, ProbeResult>> = {};
  for (let i = transports.length; i--; ) out[transports[i]!.name] = probes[i]; // backwards: the first one wins
  return out;
}

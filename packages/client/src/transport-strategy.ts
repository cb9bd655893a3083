// The ranking strategy (opt-in: `connect(url, { transports, strategy: ranked })`, on in the `omnio` preset): ranks
// a Manager's transports (static probes + what this origin's memory says + how often each died during this
// Manager's life), plans each session's handshake and upgrades with their deadlines, runs the upgrades
// (upgrade.ts) and takes the outcomes back into memory. Without it a session tries the supported transports in
// the user's order and never upgrades.
// @see ./ranking.ts (rules), ../../../../shared/DESIGN.md "Probing and ranking"
//
// The plan, from the ranking rows (best first):
// - Handshake: the best-ranked transport that worked last time on this origin (when it can open a session),
//   then the "dependable" ones — can handshake, neither duplex nor streaming (polling, jsonp) — in rank order,
//   then the half-duplex streaming ones (plain HTTP responses pass where an Upgrade may not), then the duplex ones
//   (a websocket-only server still gets a session), each in rank order. Cross-origin without CORS, polling is
//   unsupported or ranked down, so jsonp comes first by rank alone.
// - Upgrades, once the session is open: the healthy transports ranked above the one that opened it and offered by
//   the server, best first, probed one at a time; a ranked-down transport is not probed until its penalty expires.
// - Deadlines: every upgrade probe, and a direct handshake on a remembered duplex/streaming transport (falling back
//   from it is cheap), get `probeDeadline(rtt)` floored at 2 s (or the fixed `probeTimeout`) plus the transport's
//   `startupMs`: the live RTT for upgrades, the remembered one (every "ok" comes with its RTT) for the direct
//   handshake. The other handshakes get HANDSHAKE_DEADLINE_MS.

import {
  crossOrigin,
  Engine,
  HANDSHAKE_DEADLINE_MS,
  type EngineStrategy,
  type HandshakeInfo,
  type HandshakeStep,
} from "./engine.js";
import { HEALTHY_SCORE, rankTransports, type RankingRow } from "./ranking.js";
import { createTransportMemory, localStorageOf, memoryKey, type TransportMemory, type TransportOutcome } from "./transport-memory.js";
import { isTime } from "./transport-memory-format.js";
import type { ProbeResult, TransportFactory, TransportName } from "./transport.js";
import { outcomeOf, runUpgrades, type Upgradable } from "./upgrade.js";

export interface TransportStrategyOptions {
  /** The Manager's transports, best first. */
  readonly transports: readonly TransportFactory[];
  /** `false`: outcomes are kept in this object only, never in localStorage. */
  readonly rememberTransport?: boolean;
  /** A fixed probe deadline (ms) instead of the RTT-derived one. */
  readonly probeTimeout?: number;
  /** The global object to find `localStorage` and `location` on. */
  readonly global?: typeof globalThis;
  /** Tests: a memory of their own (a fake storage, a fake clock). */
  readonly memory?: TransportMemory;
}

/** What `ranked` returns: the engine's strategy, plus this Manager's transport deaths. */
export interface TransportStrategy extends EngineStrategy {
  /** How many times each transport died while carrying a session of this Manager. Never reset. */
  readonly sessionFailures: Partial<Record<TransportName, number>>;
}

/** Never more: past this, a probe is a hang, whatever the RTT said. */
export const MAX_PROBE_DEADLINE_MS = 10_000;
/**
 * With no measurement: what 5·RTT + 1 s gives for a slow 3G link (RTT ≈ 800 ms), so a first visit on a poor
 * network does not misjudge a working transport; it is still well under the 20 s connect timeout.
 */
export const DEFAULT_PROBE_DEADLINE_MS = 5_000;
/**
 * Floor of a session's probe deadlines: 2 s, not the 1 s `probeDeadline` allows. The RTT we have is one warm
 * request; a probe opens a new connection and wakes cold code on both sides, and on a busy device (two cores
 * shared with a browser, a throttled tab) that costs hundreds of ms that no RTT shows. The costs are lopsided: a
 * false "timeout" ranks a working transport down for 10 minutes, a real hang costs 1 s more once.
 */
export const MIN_SESSION_PROBE_DEADLINE_MS = 2_000;

/**
 * How long a probe may take for a measured RTT: `min(5·rtt + 1000, 10000)` ms (so at least 1 s), 5000 when
 * unknown. Five round trips: a WebSocket upgrade on a fresh connection costs TCP (1) + TLS 1.2 (2) + the HTTP
 * Upgrade (1) + `2probe`/`3probe` (1); the second is headroom for server queueing, GC pauses and jitter around
 * the (smoothed) RTT. Loopback → 1005 ms; broadband (30 ms) → 1150 ms; 3G (300–600 ms) → 2.5–4 s.
 * Nonsense (negative, NaN, Infinity) counts as unknown: bad memory must not produce a 0 ms or endless wait.
 */
export function probeDeadline(rttMs: number | null | undefined): number {
  return isTime(rttMs) ? Math.min(MAX_PROBE_DEADLINE_MS, 5 * rttMs + 1000) : DEFAULT_PROBE_DEADLINE_MS;
}

/**
 * The plan (see the top of this file) from `rows`, the ranking of `transports`: without `session`, the handshake
 * steps; with it (the session just opened), the upgrade steps.
 */
export function planSteps(
  transports: readonly TransportFactory[],
  rows: readonly RankingRow[],
  probeTimeout?: number,
  session?: HandshakeInfo,
): HandshakeStep[] {
  const factory = (r: RankingRow) => transports.find((f) => f.name == r.name)!; // the first of a duplicated name, as ranked
  const probeStep = (r: RankingRow, rttMs: number | null | undefined): HandshakeStep => {
    const f = factory(r);
    // A declared start-up time (a bridge to load) extends the deadline: slow to start is not a hang.
    return { factory: f, deadlineMs: (probeTimeout || Math.max(MIN_SESSION_PROBE_DEADLINE_MS, probeDeadline(rttMs))) + (f.traits.startupMs || 0) };
  };
  const healthy = (r: RankingRow) => r.score >= HEALTHY_SCORE;
  if (session) {
    const at = rows.findIndex((r) => r.name == session.transport); // -1: none
    return rows.filter((r, i) => i < at && healthy(r) && session.upgrades.includes(r.name)).map((r) => probeStep(r, session.rttMs));
  }
  /** 0: dependable (neither duplex nor streaming), 1: half-duplex streaming, 2: duplex. */
  const kind = ({ traits: t }: TransportFactory) => (t.duplex ? 2 : t.streaming ? 1 : 0);
  const canOpen = rows.filter((r) => r.supported && factory(r).traits.handshake);
  const remembered = canOpen.find((r) => r.last == "ok" && healthy(r));
  const order = (r: RankingRow) => (r == remembered ? -1 : kind(factory(r)));
  // Stable sort: the remembered one first, then each kind in rank order.
  return canOpen
    .sort((a, b) => order(a) - order(b))
    .map((r) =>
      r == remembered && kind(factory(r))
        ? probeStep(r, r.rttMs)
        : { factory: factory(r), deadlineMs: HANDSHAKE_DEADLINE_MS },
    );
}

/**
 * The ranking strategy for `connect()`'s `strategy` option (the `omnio` preset sets it): static probes, this
 * origin's memory and this Manager's transport deaths rank the transports; the session handshakes on the most
 * dependable (or the remembered best) and upgrades to better ones, each probe with an RTT-derived deadline.
 */
export function ranked(uri: string, opts: TransportStrategyOptions): TransportStrategy {
  const { transports, probeTimeout } = opts;
  const url = new URL(uri);
  const g = opts.global ?? globalThis;
  const key = memoryKey(url);
  const cross = crossOrigin(g, url);
  const memory = opts.memory ?? createTransportMemory({ storage: opts.rememberTransport === false ? null : localStorageOf(g) });
  const sessionFailures: TransportStrategy["sessionFailures"] = {};
  const record = (name: TransportName, outcome: TransportOutcome, rttMs?: number) => memory.record(key, name, outcome, rttMs);
  const rank = (probes: readonly ProbeResult[]) => rankTransports(transports, probes, memory.get(key), { crossOrigin: cross, sessionFailures });
  /**
   * A session that follows the ranking: the handshake planned from it, outcomes into memory, upgrades once open
   * (writes held while the old transport pauses, the upgrade in progress cancelled when the session closes).
   * Declared here so it reads this Manager's ranking and memory directly.
   */
  class RankedEngine extends Engine implements Upgradable {
    /** Static probe result per user transport (same order), set by `open()`. */
    probes!: ProbeResult[];
    _up: (() => void) | undefined;
    _pausing?: boolean;
    /** This session's failed handshake attempts: remembered only once another transport opened it. */
    private _failed: [TransportName, TransportOutcome][] = [];
    /** When the current handshake attempt started. */
    private _started!: number;

    // The first attempt starts right after _plan, each next one right after _fail: the RTT counts from there.
    override _plan(): HandshakeStep[] {
      this._started = Date.now();
      return planSteps(transports, rank((this.probes = this._probe())), probeTimeout);
    }

    override _fail(f: TransportFactory, cause: Error | string | undefined): void {
      this._failed.push([f.name, outcomeOf(f, cause)]);
      this._started = Date.now();
      super._fail(f, cause);
    }

    override _opened(): () => void {
      const rttMs = Date.now() - this._started;
      // Something opened, so the failures before it were the transports', not the server's or the network's.
      for (const [name, outcome] of this._failed) record(name, outcome);
      const transport = this.transport!.name;
      record(transport, "ok", rttMs);
      const upgrades = this.handshake!.upgrades;
      const steps = planSteps(transports, rank(this.probes), probeTimeout, { transport, upgrades: Array.isArray(upgrades) ? upgrades : [], rttMs });
      return () => runUpgrades(this, steps, record);
    }

    override _died(name: TransportName): void {
      // Two deaths rank it down for this Manager's next reconnect (ranking.ts), and warn the next page load too.
      if ((sessionFailures[name] = (sessionFailures[name] ?? 0) + 1) > 1) record(name, "failed");
    }

    override _flush(): void {
      if (!this._pausing) super._flush();
    }

    override _close(reason: string, error?: Error, linger?: boolean): void {
      this._up?.(); // before the linger flush: the writes held for it go out
      super._close(reason, error, linger);
    }
  }

  return { sessionFailures, rank, session: (base, o, h) => new RankedEngine(base, o, h) };
}

// The connection plan: which transport opens the Engine.IO session, which are then tried as upgrades, in what
// order and with what deadline. Pure: the ranking rows (ranking.ts: probes + origin memory + this session's
// failures) go in, factories and deadlines come out; the session only follows it.
// @see ./ranking-plan.ts for the rules, ../../../../shared/DESIGN.md "Probing and ranking"

import { probeDeadline } from "./probe-deadline.js";
import { isTime } from "./transport-memory-format.js";
import { planFromRanking, upgradesFrom } from "./ranking-plan.js";
import type { RankingRow } from "./ranking.js";
import type { TransportFactory, TransportName } from "./transport.js";
import { HANDSHAKE_DEADLINE_MS, type HandshakeInfo, type HandshakeStep } from "./engine.js";

export { HANDSHAKE_DEADLINE_MS, type HandshakeInfo, type HandshakeStep };

export interface UpgradeStep {
  readonly factory: TransportFactory;
  /** How long to wait for `3probe` after starting the candidate. */
  readonly deadlineMs: number;
}

export interface ConnectionPlan {
  /** Transports to handshake on, first choice first; on failure the session moves to the next at once. */
  readonly handshake: readonly HandshakeStep[];
  /** Upgrade candidates in the order to try them (empty until the handshake is known). */
  readonly upgrades: readonly UpgradeStep[];
}

export interface PlanOptions {
  /** A fixed probe deadline (the `probeTimeout` option) instead of the RTT-derived one. */
  readonly probeTimeout?: number;
}

/**
 * Floor for RTT-derived probe deadlines in a live session: 2 s, not probe-deadline.ts's 1 s. The RTT we have is
 * one warm request; a probe opens a new connection and wakes cold code on both sides, and on a busy device (two
 * cores shared with a browser, a throttled tab) that costs hundreds of ms that no RTT shows. The costs are
 * lopsided: a false "timeout" ranks a working transport down for 10 minutes, a real hang costs 1 s more once.
 */
export const MIN_SESSION_PROBE_DEADLINE_MS = 2_000;

/** The probe deadline for a measured (or remembered) RTT, honouring a fixed `probeTimeout`. */
export function sessionProbeDeadline(rttMs: number | null | undefined, options: PlanOptions = {}): number {
  return floored(probeDeadline(rttMs), options);
}

function floored(deadlineMs: number, options: PlanOptions): number {
  const fixed = options.probeTimeout;
  return isTime(fixed) && fixed ? fixed : Math.max(MIN_SESSION_PROBE_DEADLINE_MS, deadlineMs);
}

/**
 * `candidates` are the user's transports in their order, `rows` their ranking (best first). Before the handshake:
 * the handshake order (remembered best, then dependable, then the rest). After it (`handshake` given): the
 * healthy transports ranked above the one that opened the session and offered by the server, best first, each
 * with a deadline from the live RTT.
 */
export function planConnection(
  candidates: readonly TransportFactory[],
  rows: readonly RankingRow[],
  handshake?: HandshakeInfo,
  options: PlanOptions = {},
): ConnectionPlan {
  const byName = new Map<TransportName, TransportFactory>();
  for (const f of candidates) if (!byName.has(f.name)) byName.set(f.name, f);
  if (!handshake) {
    const plan = planFromRanking(rows, candidates);
    const steps = plan.handshake.map((name, i) => {
      // The first one has a deadline only when it is a remembered duplex/streaming transport opened directly
      // (upgrades are ranked above it, so the plan's other deadlines never name it): a probe's deadline, as
      // falling back is cheap. The others are dependable or last resorts: HANDSHAKE_DEADLINE_MS.
      const remembered = i === 0 ? plan.deadlines[name] : undefined;
      const factory = byName.get(name)!;
      const deadlineMs = remembered === undefined ? HANDSHAKE_DEADLINE_MS : floored(remembered, options) + startup(factory);
      return { factory, deadlineMs };
    });
    return { handshake: steps, upgrades: [] };
  }
  const deadlineMs = sessionProbeDeadline(handshake.rttMs, options);
  const upgrades = upgradesFrom(rows, handshake.transport as TransportName)
    .filter((name) => handshake.upgrades.includes(name) && byName.has(name))
    .map((name) => byName.get(name)!)
    .map((factory) => ({ factory, deadlineMs: deadlineMs + startup(factory) }));
  return { handshake: [], upgrades };
}

/** A transport's declared start-up time (a bridge to load) extends its probe deadline: slow to start is not a hang. */
const startup = (factory: TransportFactory): number => (isTime(factory.traits.startupMs) ? factory.traits.startupMs : 0);

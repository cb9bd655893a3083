// Connection plan from ranking rows: which transports open the session (in order, the next one at once when one
// fails) and which better ones to probe as upgrades afterwards, each with a deadline from the measured RTT.
// Pure. @see ./ranking.ts for the rules that order the rows, ../../../../shared/DESIGN.md step 4
//
// - Handshake: the best-ranked transport that worked last time on this origin (when it can open a session),
//   then the "dependable" ones — can handshake, neither duplex nor streaming (polling, jsonp) — in rank order,
//   then the half-duplex streaming ones (plain HTTP responses pass where an Upgrade may not), then the duplex ones
//   (a websocket-only server still gets a session), each in rank order. Cross-origin without
//   CORS, polling is unsupported or ranked down, so jsonp comes first by rank alone.
// - Upgrades: the healthy supported transports ranked above the one that opened the session, best first,
//   probed one at a time; a ranked-down transport is not probed until its penalty expires.
// - Deadlines: for every upgrade, and for a direct handshake on a remembered duplex/streaming transport,
//   `probeDeadline(rtt)` with the transport's own RTT, else the best-ranked known RTT of the origin. The dependable
//   handshake keeps the connect `timeout`. A session with a live RTT measurement should prefer it.

import type { TransportName } from "./transport.js";
import { HEALTHY_SCORE, type RankingCandidate, type RankingRow } from "./ranking.js";
import { probeDeadline } from "./probe-deadline.js";

export interface TransportPlan {
  /** Transports to open the session with, in order; empty when none is supported. */
  readonly handshake: TransportName[];
  /** Better transports to probe as upgrades after `handshake[0]` opened, best first. */
  readonly upgrades: TransportName[];
  /** Probe deadline in ms per upgrade name, and for a remembered direct-handshake transport. */
  readonly deadlines: Partial<Record<TransportName, number>>;
}

export function planFromRanking(rows: readonly RankingRow[], factories: readonly RankingCandidate[]): TransportPlan {
  const traitsOf = (name: TransportName) => factories.find((f) => f.name === name)?.traits;
  /** 0: dependable (neither duplex nor streaming), 1: half-duplex streaming, 2: duplex. */
  const kind = (r: RankingRow) => {
    const t = traitsOf(r.name)!;
    return t.duplex ? 2 : t.streaming ? 1 : 0;
  };
  const canOpen = rows.filter((r) => r.supported && traitsOf(r.name)?.handshake);
  // Healthy (supported and not ranked down) is a score ≥ HEALTHY_SCORE.
  const remembered = canOpen.find((r) => r.last === "ok" && r.score >= HEALTHY_SCORE);
  const order = (r: RankingRow) => (r === remembered ? -1 : kind(r));
  // Stable sort: the remembered one first, then each kind in rank order.
  const handshake = canOpen.sort((a, b) => order(a) - order(b)).map((r) => r.name);
  const upgrades = upgradesFrom(rows, handshake[0]!).filter(traitsOf);

  const originRtt = rows.find((r) => r.rttMs !== null)?.rttMs;
  const deadlines: Partial<Record<TransportName, number>> = {};
  for (const name of remembered && kind(remembered) ? [...upgrades, remembered.name] : upgrades) {
    deadlines[name] = probeDeadline(rows.find((r) => r.name === name)!.rttMs ?? originRtt);
  }
  return { handshake, upgrades, deadlines };
}

/**
 * Upgrade candidates once the session runs on `current`: healthy supported transports ranked above it, best
 * first. Call again after falling back to a lower handshake transport, or after an upgrade.
 */
export function upgradesFrom(rows: readonly RankingRow[], current: TransportName): TransportName[] {
  const at = rows.findIndex((r) => r.name === current); // -1: none
  return rows.filter((r, i) => i < at && r.score >= HEALTHY_SCORE).map((r) => r.name);
}

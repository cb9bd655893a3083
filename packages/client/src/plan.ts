// The connection plan: which transport opens the Engine.IO session, which are then tried as upgrades, in what
// order and with what deadline. Pure, so that a later ranking (probe memory, measured RTTs) can replace it
// without touching the session. @see ../../../../shared/DESIGN.md "Probing and ranking"

import type { ProbeResult, TransportFactory } from "./transport.js";

export interface HandshakeInfo {
  /** Wire name of the transport that carried the handshake. */
  readonly transport: string;
  /** The server's `upgrades` list from the open packet. */
  readonly upgrades: readonly string[];
  /** Time from opening the transport to the open packet. */
  readonly rttMs: number;
}

export interface UpgradeStep {
  readonly factory: TransportFactory;
  /** How long to wait for `3probe` after starting the candidate. */
  readonly deadlineMs: number;
}

export interface ConnectionPlan {
  /** Transports to handshake on, first choice first; on failure the session moves to the next at once. */
  readonly handshake: readonly TransportFactory[];
  /** Upgrade candidates in the order to try them (empty until the handshake is known). */
  readonly upgrades: readonly UpgradeStep[];
}

/**
 * `candidates` are the user's transports in their order, `probes[i]` the static probe of `candidates[i]`.
 * Handshake on the first supported polling-style transport able to handshake (the most dependable), then upgrade
 * to the ones ranked before it that the server offers, in the user's order.
 */
export function planConnection(
  candidates: readonly TransportFactory[],
  probes: readonly ProbeResult[],
  handshake?: HandshakeInfo,
): ConnectionPlan {
  const usable = candidates.filter((f, i) => probes[i]?.supported && f.traits.handshake);
  // Polling-style first (the user's first one: polling before JSONP, which probes keep only where needed),
  // else any half-duplex one, else the best-ranked.
  let first = usable.findIndex((f) => !f.traits.duplex && !f.traits.streaming);
  if (first < 0) first = usable.findIndex((f) => !f.traits.duplex);
  if (first < 0) first = 0;
  const order = usable.length ? [usable[first]!, ...usable.filter((_, i) => i !== first)] : [];
  const upgrades: UpgradeStep[] = [];
  if (handshake) {
    // A probe gets a few round trips' worth of time, never less than 3 s (loaded machines) nor more than 10 s.
    const deadlineMs = Math.min(10_000, 3000 + 4 * handshake.rttMs);
    const current = candidates.findIndex((f) => f.name === handshake.transport);
    for (let i = 0; i < current; i++) {
      const f = candidates[i]!;
      if (probes[i]?.supported && handshake.upgrades.includes(f.name)) upgrades.push({ factory: f, deadlineMs });
    }
  }
  return { handshake: order, upgrades };
}

// What the fault proxy's forwarders share: the target, the counters, and the registry of every socket and
// timer, so that close() can release all of them in one place.
import type { Agent } from "node:http";
import type { Socket } from "node:net";
import type { FaultAction } from "./fault-scenario.js";

export interface FaultStats {
  /** Plain HTTP requests received (upgrades not included). */
  requests: number;
  /** Upgrade requests received. */
  upgrades: number;
  bytes: {
    /** Request bodies and client→target WebSocket bytes forwarded. */
    toTarget: number;
    /** Response bodies and target→client WebSocket bytes forwarded (upgrade response head included). */
    toClient: number;
  };
  /** How many times each misbehaviour actually happened. */
  actions: Record<FaultAction, number>;
}

export interface ProxyContext {
  readonly target: { host: string; port: number };
  readonly agent: Agent;
  readonly stats: FaultStats;
  /** True once close() began: forwarders stop starting new work. */
  readonly closed: boolean;
  /** Registers a socket for close(); forgotten by itself when the socket closes. */
  track(socket: Socket): void;
  /** A setTimeout that close() clears; returns a canceller. */
  later(ms: number, run: () => void): () => void;
  /** Counts an action and tells listeners (`proxy.events` "action"). */
  record(action: FaultAction, url: string): void;
}

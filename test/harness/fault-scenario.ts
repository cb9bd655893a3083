// What the fault proxy should do to the traffic, and how a scenario turns into a plan for one request.
// A scenario is plain data so a test can swap it mid-run (`proxy.setScenario`); each request or upgrade reads
// the scenario once, when it arrives, and keeps that plan for its whole life.

/** Names of the misbehaviours; also the keys of `stats.actions`. */
export const FAULT_ACTIONS = [
  "refuseWebSocket",
  "hangWebSocket",
  "cutWebSocket",
  "bufferResponses",
  "delayMs",
  "failTransport",
  "dropMidResponse",
] as const;
export type FaultAction = (typeof FAULT_ACTIONS)[number];

/**
 * Each key switches one misbehaviour on; several keys compose (a delay happens before anything else; a refused,
 * hung or failed request is never forwarded). Wherever an object form takes `transport`, the action only hits
 * requests whose query has `transport=<name>` (omit it to hit everything the action applies to); the name
 * `jsonp` means `transport=polling&j=<n>`, and `polling` then means polling without `j` (see transportOf).
 */
export interface FaultScenario {
  /** Answer WebSocket upgrade requests with this status; the target never sees them. */
  refuseWebSocket?: 400 | 403 | { status: 400 | 403; transport?: string };
  /** Accept the TCP connection and read the upgrade request, then never answer (until the proxy closes). */
  hangWebSocket?: boolean | { transport?: string };
  /**
   * Forward the upgrade, then destroy both sockets `afterMs` after the target's handshake response, or once
   * `afterBytes` of WebSocket frames (both directions added up, handshake excluded) went through — whichever
   * comes first. The byte that crosses the limit is not forwarded: the peers see exactly `afterBytes`.
   */
  cutWebSocket?: { afterMs?: number; afterBytes?: number; transport?: string };
  /** Hold each HTTP response body until the target ends it, then send it whole with a Content-Length. */
  bufferResponses?: boolean | { transport?: string };
  /** Wait this long before forwarding each request and upgrade (`upgrades: true` only upgrades, `false` only plain requests). */
  delayMs?: number | { ms: number; transport?: string; upgrades?: boolean };
  /** Answer `status` (default 502) to requests and upgrades whose `transport` query equals `name`. */
  failTransport?: { name: string; status?: number };
  /** Forward, then destroy the client's socket once `afterBytes` of a response body were sent. */
  dropMidResponse?: { afterBytes: number; transport?: string };
}

/** What the proxy knows about a request when it decides. */
export interface RequestFacts {
  upgrade: boolean;
  /** The `transport` query parameter, or null. */
  transport: string | null;
}

/** The decision for one request: every field already resolved against its facts. */
export interface FaultPlan {
  delayMs: number;
  failStatus: number | null;
  refuseStatus: number | null;
  hang: boolean;
  cut: { afterMs: number | null; afterBytes: number | null } | null;
  buffer: boolean;
  dropAfterBytes: number | null;
}

/**
 * omnio's name for the transport of a request URL (path + query), from its `transport` query parameter, or null.
 * JSONP travels as `transport=polling&j=<n>` on the wire; it is named `jsonp` here, as omnio's API names it,
 * so a scenario can fail XHR polling and JSONP separately.
 */
export function transportOf(url: string | undefined): string | null {
  try {
    const query = new URL(url ?? "/", "http://fault-proxy.invalid").searchParams;
    const wire = query.get("transport");
    return wire === "polling" && query.has("j") ? "jsonp" : wire;
  } catch {
    return null;
  }
}

const hits = (only: { transport?: string } | boolean | number | undefined, facts: RequestFacts): boolean =>
  typeof only !== "object" || only.transport === undefined || only.transport === facts.transport;

/** Resolves `scenario` for one request. */
export function planFor(scenario: FaultScenario, facts: RequestFacts): FaultPlan {
  const { refuseWebSocket: refuse, hangWebSocket: hang, cutWebSocket: cut, bufferResponses: buffer } = scenario;
  const { delayMs: delay, failTransport: fail, dropMidResponse: drop } = scenario;
  const delayHits =
    delay !== undefined &&
    hits(delay, facts) &&
    (typeof delay === "number" || delay.upgrades === undefined || delay.upgrades === facts.upgrade);
  return {
    delayMs: delayHits ? (typeof delay === "number" ? delay : delay.ms) : 0,
    failStatus: fail && fail.name === facts.transport ? (fail.status ?? 502) : null,
    refuseStatus:
      facts.upgrade && refuse !== undefined && hits(refuse, facts) ? (typeof refuse === "number" ? refuse : refuse.status) : null,
    hang: facts.upgrade && hang !== undefined && hang !== false && hits(hang, facts),
    cut: facts.upgrade && cut && hits(cut, facts) ? { afterMs: cut.afterMs ?? null, afterBytes: cut.afterBytes ?? null } : null,
    buffer: !facts.upgrade && buffer !== undefined && buffer !== false && hits(buffer, facts),
    dropAfterBytes: !facts.upgrade && drop && hits(drop, facts) ? drop.afterBytes : null,
  };
}

/** Throws a RangeError naming the bad field, so a typo in a test fails loudly instead of doing nothing. */
export function validateScenario(scenario: FaultScenario): void {
  const count = (field: string, value: number | undefined) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
      throw new RangeError(`fault-proxy scenario: ${field} must be a finite number >= 0, got ${String(value)}`);
    }
  };
  const known = new Set<string>(FAULT_ACTIONS);
  for (const key of Object.keys(scenario)) {
    if (!known.has(key)) throw new RangeError(`fault-proxy scenario: unknown action "${key}" (known: ${FAULT_ACTIONS.join(", ")})`);
  }
  const { refuseWebSocket: refuse, cutWebSocket: cut, delayMs: delay, failTransport: fail, dropMidResponse: drop } = scenario;
  if (refuse !== undefined) {
    const status = typeof refuse === "number" ? refuse : refuse.status;
    if (status !== 400 && status !== 403) throw new RangeError(`fault-proxy scenario: refuseWebSocket must be 400 or 403, got ${String(status)}`);
  }
  if (cut) {
    if (cut.afterMs === undefined && cut.afterBytes === undefined) {
      throw new RangeError("fault-proxy scenario: cutWebSocket needs afterMs or afterBytes");
    }
    count("cutWebSocket.afterMs", cut.afterMs);
    count("cutWebSocket.afterBytes", cut.afterBytes);
  }
  count("delayMs", typeof delay === "object" ? delay.ms : delay);
  if (fail) {
    if (!fail.name) throw new RangeError("fault-proxy scenario: failTransport.name must name a transport");
    const status = fail.status ?? 502;
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`fault-proxy scenario: failTransport.status must be an HTTP error status, got ${String(status)}`);
    }
  }
  if (drop) count("dropMidResponse.afterBytes", drop.afterBytes);
}

// Network-fault harness: a loopback HTTP + WebSocket proxy that misbehaves on demand, for omnio's fallback tests.
//
// Put it between the browser (or any client) and a server to make one transport fail the way real networks
// do — a firewall refusing upgrades, a middlebox swallowing them, a buffering reverse proxy holding streamed
// responses, a flaky link cutting sockets — and assert that the client still ends on the best transport that
// works. By default it is transparent: requests and responses stream chunk by chunk, upgrades become a raw
// TCP pipe.
//
//   const proxy = await startFaultProxy({ target: server.origin, scenario: { refuseWebSocket: 403 } });
//   page.goto(`${proxy.origin}/…`)           // the client talks to proxy.origin
//   proxy.setScenario({ bufferResponses: true })  // applies to requests and upgrades that arrive from now on
//   await waitFor(proxy.events, "action", 5000)   // or read proxy.stats.actions.refuseWebSocket
//   await proxy.close()                           // destroys every socket and timer it made
//
// Loopback only (target and listening host); closes itself after `maxLifetimeMs` so a forgotten proxy can't
// keep a test run alive.
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { EventEmitter } from "node:events";
import type { AddressInfo, Socket } from "node:net";
import { FAULT_ACTIONS, planFor, transportOf, validateScenario, type FaultAction, type FaultScenario } from "./fault-scenario.js";
import { isLoopbackHost, parseLoopbackTarget } from "./loopback.js";
import { answerError, forwardRequest } from "./http-forward.js";
import { answerRaw, forwardUpgrade } from "./upgrade-forward.js";
import type { FaultStats, ProxyContext } from "./proxy-context.js";

export type { FaultScenario, FaultAction } from "./fault-scenario.js";
export type { FaultStats } from "./proxy-context.js";

export interface FaultProxyOptions {
  /** Origin of the real server, e.g. "http://127.0.0.1:41234". Must be loopback. */
  target: string;
  /** Misbehaviour to start with; `{}` (the default) is a transparent proxy. */
  scenario?: FaultScenario;
  /** Host to listen on (default 127.0.0.1); must be loopback. */
  host?: string;
  /** Closes itself after this long (default 120 000 ms). */
  maxLifetimeMs?: number;
}

/** Events on `proxy.events`, for tests that wait instead of polling counters. */
export interface FaultProxyEvents {
  /** A misbehaviour happened: `(action, url)`. */
  action: [action: FaultAction, url: string];
  /** A plain request (`upgrade` false) or an upgrade arrived: `(url, upgrade)`. */
  request: [url: string, upgrade: boolean];
  /** The proxy closed (by close() or at the end of its lifetime). */
  close: [];
}

export interface FaultProxy {
  /** e.g. http://127.0.0.1:40123 — what the client should talk to. */
  readonly origin: string;
  readonly port: number;
  /** The listening server, for assertions (`server.listening` is false after close). */
  readonly server: Server;
  readonly stats: FaultStats;
  readonly events: EventEmitter<FaultProxyEvents>;
  /** Sockets (client and target side) still open. 0 after close(). */
  readonly openSockets: number;
  /** Resolves once the proxy is closed, however that happened. */
  readonly closed: Promise<void>;
  /** Replaces the scenario for requests and upgrades that arrive from now on; ongoing ones keep theirs. */
  setScenario(scenario: FaultScenario): void;
  /** Destroys every socket and timer; idempotent. */
  close(): Promise<void>;
}

const DEFAULT_LIFETIME_MS = 120_000;

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = parseLoopbackTarget(options.target);
  const host = (options.host ?? "127.0.0.1").replace(/^\[(.*)\]$/, "$1");
  if (!isLoopbackHost(host)) throw new TypeError(`fault-proxy: refusing to listen on non-loopback host "${host}"`);
  const lifetime = options.maxLifetimeMs ?? DEFAULT_LIFETIME_MS;
  if (!(Number.isFinite(lifetime) && lifetime > 0)) throw new RangeError(`fault-proxy: maxLifetimeMs must be > 0, got ${lifetime}`);
  let scenario: FaultScenario = options.scenario ?? {};
  validateScenario(scenario);

  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const events = new EventEmitter<FaultProxyEvents>();
  const stats: FaultStats = {
    requests: 0,
    upgrades: 0,
    bytes: { toTarget: 0, toClient: 0 },
    actions: Object.fromEntries(FAULT_ACTIONS.map((a) => [a, 0])) as Record<FaultAction, number>,
  };
  // No keep-alive pool towards the target: every target socket belongs to one client request and dies with it.
  const agent = new Agent({ keepAlive: false });
  let closing = false;

  const ctx: ProxyContext = {
    target: { host: target.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(target.port) },
    agent,
    stats,
    get closed() {
      return closing;
    },
    track(socket) {
      if (closing) {
        socket.destroy();
        return;
      }
      sockets.add(socket);
      socket.once("close", () => sockets.delete(socket));
    },
    later(ms, run) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        run();
      }, ms);
      timers.add(timer);
      return () => {
        clearTimeout(timer);
        timers.delete(timer);
      };
    },
    record(action, url) {
      stats.actions[action] += 1;
      events.emit("action", action, url);
    },
  };

  const server = createServer();
  server.on("connection", (socket) => {
    ctx.track(socket);
    socket.on("error", () => socket.destroy());
  });
  // Garbage from a client gets a 400 and a closed socket, never a crash.
  server.on("clientError", (_error, socket) => {
    if (socket.writable) answerRaw(socket as Socket, 400, "malformed request");
    else socket.destroy();
  });
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    stats.requests += 1;
    events.emit("request", url, false);
    const plan = planFor(scenario, { upgrade: false, transport: transportOf(url) });
    const go = () => {
      if (closing || res.destroyed) return;
      if (plan.failStatus !== null) {
        ctx.record("failTransport", url);
        answerError(res, plan.failStatus, `transport "${transportOf(url)}" fails on purpose (failTransport)`);
        return;
      }
      forwardRequest(ctx, req, res, plan);
    };
    delayThen(plan.delayMs, url, go);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const url = req.url ?? "/";
    stats.upgrades += 1;
    events.emit("request", url, true);
    socket.on("error", () => socket.destroy());
    const plan = planFor(scenario, { upgrade: true, transport: transportOf(url) });
    const go = () => {
      if (closing || socket.destroyed) return;
      if (plan.failStatus !== null) {
        ctx.record("failTransport", url);
        answerRaw(socket, plan.failStatus, `transport "${transportOf(url)}" fails on purpose (failTransport)`);
      } else if (plan.refuseStatus !== null) {
        ctx.record("refuseWebSocket", url);
        answerRaw(socket, plan.refuseStatus, "WebSocket upgrade refused on purpose (refuseWebSocket)");
      } else if (plan.hang) {
        // Read and forget: the request was parsed, nothing ever answers; close() destroys the socket.
        ctx.record("hangWebSocket", url);
      } else {
        forwardUpgrade(ctx, req, socket, head, plan);
      }
    };
    delayThen(plan.delayMs, url, go);
  });

  function delayThen(ms: number, url: string, go: () => void): void {
    if (ms <= 0) return go();
    ctx.record("delayMs", url);
    ctx.later(ms, go);
  }

  let markClosed: () => void = () => {};
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  let closePromise: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closePromise ??= new Promise<void>((resolve) => {
      closing = true;
      clearTimeout(lifetimeTimer);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const stopped = new Promise<void>((done) => server.close(() => done()));
      // destroy() is synchronous but "close" comes a tick later: wait for it so openSockets is 0 on resolve.
      const gone = [...sockets].map((socket) => new Promise<void>((done) => (socket.closed ? done() : socket.once("close", () => done()))));
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      void Promise.all([stopped, ...gone]).then(() => {
        markClosed();
        events.emit("close");
        resolve();
      });
    });
    return closePromise;
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // Unref'd: the lifetime bound must not itself keep a test process alive.
  const lifetimeTimer = setTimeout(() => void close(), lifetime).unref();

  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    port,
    server,
    stats,
    events,
    get openSockets() {
      return sockets.size;
    },
    closed,
    setScenario(next) {
      validateScenario(next);
      scenario = next;
    },
    close,
  };
}

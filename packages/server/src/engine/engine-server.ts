// EngineServer: the Engine.IO v4 session layer alone, on a Node http.Server. It checks each request under
// `path` (protocol version, transport, sid, handshake method, allowRequest, CORS), opens sessions, and routes
// later requests and WebSocket upgrades to them. Refusals are the JSON errors of PROTOCOL.md §1, each logged
// with a reason; nothing a peer sends may throw out of a handler. @see PROTOCOL.md §1
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import { defaultLogger, type Logger } from "../logger.js";
import { interceptRequests } from "../http/intercept.js";
import { attachFlash, type FlashAttachment } from "../flash.js";
import { applyCors, answerPreflight } from "./cors.js";
import { EngineConnection, type TransportCreator } from "./engine-connection.js";
import { ErrorCode, RequestRejection, rejectRequest, rejectUpgrade } from "./http-errors.js";
import { resolveEngineOptions, type EngineServerOptions, type ResolvedEngineOptions } from "./options.js";
import { TRANSPORTS, findTransport } from "./transports/index.js";
import type { HttpServerTransport, TransportDefinition, TransportInit } from "./transports/server-transport.js";

/** Emitted for every refused request (as engine.io's "connection_error"). */
export interface ConnectionErrorInfo {
  req: IncomingMessage;
  code: ErrorCode;
  message: string;
  /** Why, in words (the same text that was logged). */
  reason: string;
}

export interface EngineServerEvents {
  connection: [connection: EngineConnection];
  connection_error: [info: ConnectionErrorInfo];
}

/** A request that passed the checks: the transport it asks for and its session, if it named one. */
interface Verified {
  def: TransportDefinition;
  conn: EngineConnection | undefined;
}

export class EngineServer extends EventEmitter<EngineServerEvents> {
  readonly options: ResolvedEngineOptions;
  readonly logger: Logger;
  /** Open sessions by id. */
  readonly clients = new Map<string, EngineConnection>();
  /** The transports served, in registry order. */
  readonly transports: readonly TransportDefinition[];
  private readonly wss: WebSocketServer;
  private readonly undo: Array<() => void> = [];
  /** Policy file, bridge.swf and Ruffle's socket proxy, when flashsocket is served (see ../flash.ts). */
  flash: FlashAttachment | undefined;

  constructor(options: EngineServerOptions = {}) {
    super();
    this.options = resolveEngineOptions(options);
    this.logger = options.logger ?? defaultLogger();
    const wanted = this.options.transports;
    this.transports = wanted ? TRANSPORTS.filter((d) => wanted.includes(d.name)) : TRANSPORTS;
    for (const name of wanted ?? [])
      if (!TRANSPORTS.some((d) => d.name === name)) this.logger.warn(`unknown transport "${name}" in options: not served`);
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.options.maxHttpBufferSize,
      perMessageDeflate: false,
      clientTracking: false,
    });
  }

  get clientsCount(): number {
    return this.clients.size;
  }

  /** Serve Engine.IO on `server`: requests under `path` are ours, the rest go to the app's listeners. */
  attach(server: HttpServer): this {
    this.undo.push(interceptRequests(server, (req, res) => this.owns(req) && (this.handleRequest(req, res), true)));
    const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
      if (this.owns(req)) this.handleUpgrade(req, socket, head);
      // nobody else listens: an upgrade elsewhere would hang forever
      else if (server.listenerCount("upgrade") === 1)
        rejectUpgrade(socket, new RequestRejection(ErrorCode.BAD_REQUEST, "upgrade outside the Engine.IO path"));
    };
    const onClose = (): void => this.close();
    server.on("upgrade", onUpgrade);
    server.on("close", onClose);
    this.undo.push(() => {
      server.removeListener("upgrade", onUpgrade);
      server.removeListener("close", onClose);
    });
    if (this.transports.some((d) => d.wire === "flashsocket")) {
      const o = this.options;
      const flash = (this.flash = attachFlash(server, { path: o.path, cors: o.cors, flashPolicyPort: o.flashPolicyPort, logger: this.logger }));
      this.undo.push(() => flash.close());
    }
    return this;
  }

  /** True when `req` is under this server's path. */
  owns(req: IncomingMessage): boolean {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    return pathname === this.options.path || pathname === this.options.path.slice(0, -1);
  }

  /** Handle an HTTP request under `path` (exposed for custom routers). */
  handleRequest(req: IncomingMessage, res: ServerResponse): void {
    req.on("error", (error) => this.logger.debug("request error", { url: req.url, error }));
    res.on("error", (error) => this.logger.debug("response error", { url: req.url, error }));
    try {
      const query = parseQuery(req.url);
      if (applyCors(this.options.cors, req, res) === "refused")
        this.logger.warn("CORS: origin not allowed (no CORS headers sent)", { origin: req.headers.origin, url: req.url });
      if (req.method === "OPTIONS") return answerPreflight(this.options.cors, req, res);
      const verified = this.verify(req, query);
      if (verified instanceof RequestRejection) return this.refuse(req, verified, (r) => rejectRequest(res, r));
      const { def, conn } = verified;
      if (def.kind !== "http") return this.refuse(req, new RequestRejection(ErrorCode.BAD_REQUEST, `${def.name} needs a WebSocket upgrade`), (r) => rejectRequest(res, r));
      if (!conn) return this.handshake(req, query, (r) => rejectRequest(res, r), (init) => {
        const conn = this.open(init, def, (sink) => def.create({ ...init, sink }));
        (conn.transportFor(def) as HttpServerTransport).handleRequest(req, res, query);
        this.emit("connection", conn);
      });
      let transport = conn.transportFor(def) as HttpServerTransport | undefined;
      if (!transport) {
        const refusal = conn.probeRefusal(def);
        if (refusal) return this.refuse(req, new RequestRejection(ErrorCode.BAD_REQUEST, `sid used with transport ${def.name}: ${refusal}`), (r) => rejectRequest(res, r));
        transport = conn.probe(def, (sink) => def.create({ ...this.init(conn.id, req, query), sink })) as HttpServerTransport;
      }
      transport.handleRequest(req, res, query);
    } catch (error) {
      this.logger.warn("request handler failed", { url: req.url, error });
      if (!res.headersSent) res.writeHead(500);
      if (!res.writableEnded) res.end();
    }
  }

  /** Handle an HTTP upgrade under `path`: a WebSocket transport, handshake or probe. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", (error) => this.logger.debug("upgrade socket error", { url: req.url, error }));
    const fail = (r: RequestRejection): void => rejectUpgrade(socket, r);
    try {
      const query = parseQuery(req.url);
      const verified = this.verify(req, query);
      if (verified instanceof RequestRejection) return this.refuse(req, verified, fail);
      const { def, conn } = verified;
      if (def.kind !== "websocket") return this.refuse(req, new RequestRejection(ErrorCode.BAD_REQUEST, `${def.name} is not a WebSocket transport`), fail);
      if (!conn) {
        return this.handshake(req, query, fail, (init) =>
          this.upgradeToWebSocket(req, socket, head, (ws) => {
            this.emit("connection", this.open(init, def, (sink) => def.create({ ...init, sink, socket: ws })));
          }),
        );
      }
      const refusal = conn.transportFor(def) ? `${def.name} is already open for this session` : conn.probeRefusal(def);
      if (refusal) return this.refuse(req, new RequestRejection(ErrorCode.BAD_REQUEST, `sid used with transport ${def.name}: ${refusal}`), fail);
      this.upgradeToWebSocket(req, socket, head, (ws) => {
        // the session may have closed or started another probe while the handshake ran
        if (conn.probeRefusal(def)) return ws.terminate();
        conn.probe(def, (sink) => def.create({ ...this.init(conn.id, req, query), sink, socket: ws }));
      });
    } catch (error) {
      this.logger.warn("upgrade handler failed", { url: req.url, error });
      socket.destroy();
    }
  }

  /** Close every session (discarding queued packets) and let go of the http.Server. */
  close(): void {
    for (const conn of [...this.clients.values()]) conn.close(true);
    for (const undo of this.undo.splice(0)) undo();
  }

  private verify(req: IncomingMessage, query: URLSearchParams): Verified | RequestRejection {
    const eio = query.get("EIO");
    if (eio !== "4") return new RequestRejection(ErrorCode.UNSUPPORTED_PROTOCOL_VERSION, `EIO=${eio ?? "(missing)"}`);
    const wire = query.get("transport") ?? "";
    const def = findTransport(this.transports, wire, query);
    if (!def) return new RequestRejection(ErrorCode.UNKNOWN_TRANSPORT, `transport "${wire}" not served`);
    const sid = query.get("sid");
    if (sid === null) {
      if (req.method !== "GET") return new RequestRejection(ErrorCode.BAD_HANDSHAKE_METHOD, `handshake with ${req.method}`);
      if (!def.handshake) return new RequestRejection(ErrorCode.BAD_REQUEST, `${def.name} cannot open a session`);
      return { def, conn: undefined };
    }
    const conn = this.clients.get(sid);
    if (!conn) return new RequestRejection(ErrorCode.UNKNOWN_SID, `unknown sid "${sid.slice(0, 64)}"`);
    return { def, conn };
  }

  /** Runs allowRequest, then `accept` with the transport init; or refuses with 403 `{"code":4}`. */
  private handshake(
    req: IncomingMessage,
    query: URLSearchParams,
    fail: (r: RequestRejection) => void,
    accept: (init: Omit<TransportInit, "sink">) => void,
  ): void {
    const id = randomBytes(15).toString("base64url");
    const go = (): void => accept(this.init(id, req, query));
    const allow = this.options.allowRequest;
    if (!allow) return go();
    let answered = false;
    const callback = (err: string | null | undefined, success: boolean): void => {
      if (answered) return;
      answered = true;
      try {
        if (success) go();
        else this.refuse(req, new RequestRejection(ErrorCode.FORBIDDEN, `allowRequest refused: ${err ?? "no reason"}`, err || undefined), fail);
      } catch (error) {
        this.logger.warn("handshake failed", { url: req.url, error });
      }
    };
    try {
      allow(req, callback);
    } catch (error) {
      this.logger.warn("allowRequest threw", { url: req.url, error });
      callback("allowRequest failed", false);
    }
  }

  /** A new session on `def`, registered until it closes. */
  private open(init: Omit<TransportInit, "sink">, def: TransportDefinition, create: TransportCreator): EngineConnection {
    const o = this.options;
    const conn = new EngineConnection(init.sid, init.req, def, create, this.transports, o, this.logger);
    this.clients.set(conn.id, conn);
    conn.once("close", () => this.clients.delete(conn.id));
    this.logger.debug("session opened", { sid: conn.id, transport: def.name, address: conn.remoteAddress });
    return conn;
  }

  private init(sid: string, req: IncomingMessage, query: URLSearchParams): Omit<TransportInit, "sink"> {
    return {
      sid,
      req,
      query,
      maxHttpBufferSize: this.options.maxHttpBufferSize,
      closeTimeout: this.options.closeTimeout,
      logger: this.logger,
      cors: this.options.cors,
    };
  }

  private upgradeToWebSocket(req: IncomingMessage, socket: Duplex, head: Buffer, done: (ws: WebSocket) => void): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      try {
        done(ws);
      } catch (error) {
        this.logger.warn("WebSocket setup failed", { url: req.url, error });
        ws.terminate();
      }
    });
  }

  private refuse(req: IncomingMessage, rejection: RequestRejection, answer: (r: RequestRejection) => void): void {
    this.logger.warn(`rejected ${req.method} ${req.url}: ${rejection.reason}`, { code: rejection.code, address: req.socket.remoteAddress });
    answer(rejection);
    this.emit("connection_error", { req, code: rejection.code, message: rejection.message, reason: rejection.reason });
  }
}

function parseQuery(url: string | undefined): URLSearchParams {
  const q = (url ?? "").indexOf("?");
  return new URLSearchParams(q < 0 ? "" : (url ?? "").slice(q + 1));
}

// Server: Socket.IO v5 on top of EngineServer, the socket.io v4 server API in small — `new Server(httpServer |
// port, options)`, `io.on("connection")`, `io.of(nsp)`, `io.use(mw)`, `io.to(room).emit(...)`, and the browser
// client served at `<path>socket.io.js`. @see DESIGN.md "Reference server"
import { createServer, type Server as HttpServer } from "node:http";
import { EngineServer } from "../engine/engine-server.js";
import type { EngineServerOptions } from "../engine/options.js";
import { interceptRequests } from "../http/intercept.js";
import type { Logger } from "../logger.js";
import type { BroadcastOperator } from "./broadcast-operator.js";
import { Client } from "./client.js";
import { Namespace, type Middleware } from "./namespace.js";
import { clientScriptHandler } from "./serve-client.js";
import type { Socket } from "./socket.js";

export interface ServerOptions extends EngineServerOptions {
  /** How long a new connection may go without a namespace CONNECT before it is closed, ms. Default 45000. */
  connectTimeout?: number;
  /** Serve the browser client at `<path>socket.io.js`. Default true. */
  serveClient?: boolean;
}

type ConnectionListener = (socket: Socket) => void;

export class Server {
  readonly engine: EngineServer;
  /** The main namespace, "/". */
  readonly sockets: Namespace;
  /** @internal Namespaces by name. */
  readonly namespaces = new Map<string, Namespace>();
  readonly connectTimeout: number;
  /** The http.Server this is attached to (created by `listen(port)` or given). */
  httpServer: HttpServer | undefined;
  private readonly serveClient: boolean;
  private readonly undo: Array<() => void> = [];

  constructor(srv?: HttpServer | number | ServerOptions, options: ServerOptions = {}) {
    if (typeof srv === "object" && !isHttpServer(srv)) {
      options = srv;
      srv = undefined;
    }
    this.connectTimeout = options.connectTimeout ?? 45_000;
    this.serveClient = options.serveClient ?? true;
    this.engine = new EngineServer(options);
    this.engine.on("connection", (conn) => new Client(this, conn));
    this.sockets = this.of("/");
    if (typeof srv === "number") this.listen(srv);
    else if (srv) this.attach(srv);
  }

  get logger(): Logger {
    return this.engine.logger;
  }

  /** Serve on `srv` (an http.Server, or a port to create one on). */
  attach(srv: HttpServer | number): this {
    if (typeof srv === "number") return this.listen(srv);
    if (this.httpServer) throw new Error("Server.attach: already attached to an http.Server");
    this.httpServer = srv;
    this.engine.attach(srv);
    if (this.serveClient) this.undo.push(interceptRequests(srv, clientScriptHandler(this.engine.options.path, this.logger)));
    return this;
  }

  /** Create an http.Server listening on `port` (all interfaces, as socket.io) and serve on it. */
  listen(port: number, host?: string): this {
    const srv = createServer((_req, res) => {
      res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
      res.end("Not found");
    });
    this.attach(srv);
    if (host === undefined) srv.listen(port);
    else srv.listen(port, host);
    return this;
  }

  /** The namespace `name` (created on first use; a leading "/" is added if missing). */
  of(name: string): Namespace {
    const key = name.startsWith("/") ? name : "/" + name;
    let nsp = this.namespaces.get(key);
    if (!nsp) this.namespaces.set(key, (nsp = new Namespace(this, key)));
    return nsp;
  }

  /** A middleware of the main namespace. */
  use(fn: Middleware): this {
    this.sockets.use(fn);
    return this;
  }

  on(event: "connection" | "connect", listener: ConnectionListener): this {
    this.sockets.on(event, listener);
    return this;
  }

  once(event: "connection" | "connect", listener: ConnectionListener): this {
    this.sockets.once(event, listener);
    return this;
  }

  off(event: "connection" | "connect", listener: ConnectionListener): this {
    this.sockets.off(event, listener);
    return this;
  }

  /** Broadcast to every socket of the main namespace. */
  emit(event: string, ...args: unknown[]): boolean {
    return this.sockets.emit(event, ...args);
  }

  send(...args: unknown[]): this {
    this.sockets.send(...args);
    return this;
  }

  to(room: string | readonly string[]): BroadcastOperator {
    return this.sockets.to(room);
  }

  in(room: string | readonly string[]): BroadcastOperator {
    return this.sockets.in(room);
  }

  except(room: string | readonly string[]): BroadcastOperator {
    return this.sockets.except(room);
  }

  get volatile(): BroadcastOperator {
    return this.sockets.volatile;
  }

  fetchSockets(): Socket[] {
    return this.sockets.fetchSockets();
  }

  disconnectSockets(close = false): void {
    this.sockets.disconnectSockets(close);
  }

  /**
   * Disconnect every socket ("server shutting down"), close every session and the http.Server (open keep-alive
   * connections included). Resolves when the http.Server has closed.
   */
  close(callback?: (err?: Error) => void): Promise<void> {
    for (const nsp of this.namespaces.values()) for (const socket of [...nsp.sockets.values()]) socket.onClose("server shutting down");
    this.engine.close();
    for (const undo of this.undo.splice(0)) undo();
    const srv = this.httpServer;
    this.httpServer = undefined;
    return new Promise<void>((resolve) => {
      const done = (err?: Error): void => {
        callback?.(err);
        resolve();
      };
      if (!srv?.listening) return done();
      srv.close((err) => done(err));
      srv.closeAllConnections();
    });
  }
}

function isHttpServer(value: object): value is HttpServer {
  return typeof (value as HttpServer).listen === "function" && typeof (value as HttpServer).on === "function";
}

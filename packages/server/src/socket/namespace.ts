// A namespace: its sockets, rooms and middleware. `use(fn)` runs on each CONNECT to it; `next(err)` refuses
// with CONNECT_ERROR `{message, data?}`. `emit`/`to`/`except`/`volatile` broadcast to its sockets.
import { EventEmitter } from "node:events";
import { randomBytes } from "node:crypto";
import { CONNECT, CONNECT_ERROR, encodeSocketPacket, type SocketPacket } from "@omnio/client";
import { BroadcastOperator, type BroadcastFlags } from "./broadcast-operator.js";
import { RoomAdapter } from "./room-adapter.js";
import { Socket } from "./socket.js";
import type { Client } from "./client.js";
import type { Server } from "./server.js";

/** An error a middleware passes to `next`; `data` reaches the client's `connect_error` as `err.data`. */
export type MiddlewareError = Error & { data?: unknown };
export type Middleware = (socket: Socket, next: (err?: MiddlewareError) => void) => void;

export class Namespace extends EventEmitter {
  readonly sockets = new Map<string, Socket>();
  readonly adapter = new RoomAdapter();
  private readonly middlewares: Middleware[] = [];

  constructor(
    readonly server: Server,
    readonly name: string,
  ) {
    super();
  }

  use(fn: Middleware): this {
    this.middlewares.push(fn);
    return this;
  }

  to(room: string | readonly string[]): BroadcastOperator {
    return new BroadcastOperator(this).to(room);
  }

  in(room: string | readonly string[]): BroadcastOperator {
    return this.to(room);
  }

  except(room: string | readonly string[]): BroadcastOperator {
    return new BroadcastOperator(this).except(room);
  }

  get volatile(): BroadcastOperator {
    return new BroadcastOperator(this).volatile;
  }

  /** Broadcast an event to every socket of the namespace (socket.io semantics; listeners use `on`). */
  override emit(event: string, ...args: unknown[]): boolean {
    return new BroadcastOperator(this).emit(event, ...args);
  }

  send(...args: unknown[]): this {
    this.emit("message", ...args);
    return this;
  }

  fetchSockets(): Socket[] {
    return new BroadcastOperator(this).fetchSockets();
  }

  socketsJoin(room: string | readonly string[]): void {
    new BroadcastOperator(this).socketsJoin(room);
  }

  disconnectSockets(close = false): void {
    new BroadcastOperator(this).disconnectSockets(close);
  }

  /** @internal Encode once, write to each selected socket. */
  broadcastPacket(packet: SocketPacket, rooms: ReadonlySet<string>, except: ReadonlySet<string>, flags: BroadcastFlags): void {
    const frames = encodeSocketPacket(packet) as Array<string | Buffer>;
    for (const id of this.adapter.select(rooms, except)) this.sockets.get(id)?.client.writeFrames(frames, flags.volatile);
  }

  /** @internal A CONNECT from `client`: run the middlewares, then accept or refuse. */
  connect(client: Client, auth: Record<string, unknown>, done: (socket: Socket | undefined) => void): void {
    const socket = new Socket(this, client, randomBytes(15).toString("base64url"), auth);
    const refuse = (err: MiddlewareError): void => {
      this.server.logger.warn(`middleware refused CONNECT to ${this.name}: ${err.message}`, { sid: client.conn.id });
      const data: { message: string; data?: unknown } = { message: err.message };
      if (err.data !== undefined) data.data = err.data;
      client.writePacket({ type: CONNECT_ERROR, nsp: this.name, data });
      done(undefined);
    };
    const run = (i: number): void => {
      if (client.conn.readyState !== "open") return done(undefined);
      if (i === this.middlewares.length) return this.accept(socket, done);
      let called = false;
      try {
        this.middlewares[i]!(socket, (err) => {
          if (called) return;
          called = true;
          if (err) refuse(err instanceof Error ? err : new Error(String(err)));
          else run(i + 1);
        });
      } catch (error) {
        this.server.logger.error(`a middleware of ${this.name} threw`, { error });
        if (!called) {
          called = true;
          refuse(new Error("Internal server error"));
        }
      }
    };
    run(0);
  }

  /** @internal */
  remove(socket: Socket): void {
    this.adapter.delAll(socket.id);
    this.sockets.delete(socket.id);
  }

  private accept(socket: Socket, done: (socket: Socket | undefined) => void): void {
    this.sockets.set(socket.id, socket);
    socket.connected = true;
    socket.join(socket.id);
    socket.client.writePacket({ type: CONNECT, nsp: this.name, data: { sid: socket.id } });
    done(socket);
    for (const event of ["connect", "connection"]) {
      try {
        super.emit(event, socket);
      } catch (error) {
        this.server.logger.error(`a "${event}" listener of ${this.name} threw`, { sid: socket.id, error });
      }
    }
  }
}

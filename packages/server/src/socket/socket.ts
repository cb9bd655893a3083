// One Socket.IO socket: a client connected to one namespace. Mirrors socket.io v4's server Socket: `emit`
// sends (with an ack callback last, optionally `timeout(ms)`), `on` receives (an ack function last when the
// peer asked for one), rooms, broadcast, volatile, disconnect. @see PROTOCOL.md §2
import { EventEmitter } from "node:events";
import type { IncomingHttpHeaders } from "node:http";
import type { ParsedUrlQuery } from "node:querystring";
import { ACK, BINARY_ACK, BINARY_EVENT, DISCONNECT, EVENT, TimeoutError, isReservedEvent, type SocketPacket } from "@omnio/client";
import { BroadcastOperator } from "./broadcast-operator.js";
import type { Namespace } from "./namespace.js";
import type { Client } from "./client.js";

export interface Handshake {
  headers: IncomingHttpHeaders;
  /** When the handshake happened, as `Date#toString()`. */
  time: string;
  address: string;
  xdomain: boolean;
  secure: boolean;
  /** Epoch ms of the handshake. */
  issued: number;
  url: string;
  query: ParsedUrlQuery;
  /** What the client sent with its CONNECT (`auth` option). */
  auth: Record<string, unknown>;
}

export type DisconnectReason =
  | "client namespace disconnect"
  | "server namespace disconnect"
  | "transport close"
  | "transport error"
  | "ping timeout"
  | "parse error"
  | "forced close"
  | "server shutting down"
  | (string & {});

type AnyListener = (event: string, ...args: unknown[]) => void;
type AckCallback = (...args: unknown[]) => void;

interface EmitFlags {
  volatile?: boolean;
  timeout?: number;
}

export class Socket extends EventEmitter {
  readonly id: string;
  readonly handshake: Handshake;
  /** Free storage for the application (as socket.io's `socket.data`). */
  data: Record<string, unknown> = {};
  connected = false;
  private flags: EmitFlags = {};
  private nextAckId = 0;
  private readonly acks = new Map<number, AckCallback>();
  /** Timers of acks sent with `timeout(ms)`, cleared on answer and on disconnect. */
  private readonly ackTimers = new Map<number, NodeJS.Timeout>();
  private anyListeners: AnyListener[] = [];

  constructor(
    readonly nsp: Namespace,
    readonly client: Client,
    id: string,
    auth: Record<string, unknown>,
  ) {
    super();
    this.id = id;
    const req = client.conn.request;
    const now = new Date();
    this.handshake = {
      headers: req.headers,
      time: now.toString(),
      address: client.conn.remoteAddress,
      xdomain: req.headers.origin !== undefined,
      secure: "encrypted" in req.socket && Boolean(req.socket.encrypted),
      issued: now.getTime(),
      url: req.url ?? "",
      query: client.query,
      auth,
    };
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** The rooms this socket is in (its own id included). */
  get rooms(): Set<string> {
    return new Set(this.nsp.adapter.sids.get(this.id));
  }

  /** The engine connection under this socket (as socket.io's `socket.conn`). */
  get conn(): Client["conn"] {
    return this.client.conn;
  }

  /**
   * Send an event. A function as last argument is the ack callback: called with the peer's answer, or — after
   * `timeout(ms)` — with `(err, ...answer)`, `err` a TimeoutError when the answer is late.
   */
  override emit(event: string, ...args: unknown[]): boolean {
    if (isReservedEvent(event)) throw new Error(`Cannot emit "${event}": it is a reserved event name`);
    const flags = this.flags;
    this.flags = {};
    const packet: SocketPacket = { type: EVENT, nsp: this.nsp.name, data: [event, ...args] };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      (packet.data as unknown[]).pop();
      packet.id = this.nextAckId++;
      this.registerAck(packet.id, event, last as AckCallback, flags.timeout);
    }
    try {
      this.client.writePacket(packet, flags.volatile);
    } catch (error) {
      // unencodable data (cyclic…): the caller gets the ProtocolError, and no ack waits forever
      if (packet.id !== undefined) this.forgetAck(packet.id);
      throw error;
    }
    return true;
  }

  /** `emit` with an ack, as a promise (rejects with TimeoutError after `timeout(ms)`). */
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    const withTimeout = this.flags.timeout !== undefined;
    return new Promise((resolve, reject) => {
      this.emit(event, ...args, (...answer: unknown[]) => {
        if (!withTimeout) return resolve(answer[0]);
        if (answer[0]) reject(answer[0]);
        else resolve(answer[1]);
      });
    });
  }

  /** Send an event named "message" (socket.io's `send`). */
  send(...args: unknown[]): this {
    this.emit("message", ...args);
    return this;
  }

  /** The next emit's ack fails with a TimeoutError after `ms`. */
  timeout(ms: number): this {
    this.flags.timeout = ms;
    return this;
  }

  /** The next emit is dropped if the transport cannot write it right now. */
  get volatile(): this {
    this.flags.volatile = true;
    return this;
  }

  /** Every other socket of the namespace. */
  get broadcast(): BroadcastOperator {
    return new BroadcastOperator(this.nsp, new Set(), new Set([this.id]));
  }

  to(room: string | readonly string[]): BroadcastOperator {
    return this.broadcast.to(room);
  }

  in(room: string | readonly string[]): BroadcastOperator {
    return this.to(room);
  }

  except(room: string | readonly string[]): BroadcastOperator {
    return this.broadcast.except(room);
  }

  join(rooms: string | readonly string[]): void {
    this.nsp.adapter.addAll(this.id, typeof rooms === "string" ? [rooms] : rooms);
  }

  leave(room: string): void {
    this.nsp.adapter.del(this.id, room);
  }

  onAny(listener: AnyListener): this {
    this.anyListeners.push(listener);
    return this;
  }

  prependAny(listener: AnyListener): this {
    this.anyListeners.unshift(listener);
    return this;
  }

  offAny(listener?: AnyListener): this {
    this.anyListeners = listener ? this.anyListeners.filter((l) => l !== listener) : [];
    return this;
  }

  listenersAny(): AnyListener[] {
    return [...this.anyListeners];
  }

  /** Leave the namespace ("server namespace disconnect"); `close`: end the whole connection. */
  disconnect(close = false): this {
    if (!this.connected) return this;
    if (close) {
      this.client.disconnectAll();
      return this;
    }
    this.client.writePacket({ type: DISCONNECT, nsp: this.nsp.name });
    this.onClose("server namespace disconnect");
    return this;
  }

  /** @internal A packet of this namespace from the peer (CONNECT is handled by the client). */
  onPacket(packet: SocketPacket): void {
    switch (packet.type) {
      case EVENT:
      case BINARY_EVENT: // attachments already put back by the decoder
        return this.onEvent(packet);
      case ACK:
      case BINARY_ACK:
        return this.onAck(packet);
      case DISCONNECT:
        return this.onClose("client namespace disconnect");
      default:
        this.nsp.server.logger.warn(`unexpected packet type ${packet.type} on a connected socket`, { sid: this.id, nsp: this.nsp.name });
    }
  }

  /** @internal Leave everything and tell the listeners. Idempotent. */
  onClose(reason: DisconnectReason): void {
    if (!this.connected) return;
    this.dispatch("disconnecting", [reason]);
    this.connected = false;
    for (const timer of this.ackTimers.values()) clearTimeout(timer);
    this.ackTimers.clear();
    this.acks.clear();
    this.nsp.remove(this);
    this.client.remove(this);
    this.dispatch("disconnect", [reason]);
  }

  private onEvent(packet: SocketPacket): void {
    const args = (packet.data as unknown[]).slice();
    if (packet.id !== undefined) args.push(this.ackFor(packet.id));
    for (const listener of [...this.anyListeners]) this.guard(args[0] as string, () => listener(...(args as [string, ...unknown[]])));
    this.dispatch(args[0] as string, args.slice(1));
  }

  private onAck(packet: SocketPacket): void {
    const ack = packet.id === undefined ? undefined : this.acks.get(packet.id);
    if (!ack) {
      this.nsp.server.logger.warn(`ack for unknown id ${packet.id}`, { sid: this.id, nsp: this.nsp.name });
      return;
    }
    this.acks.delete(packet.id!);
    this.guard("ack", () => ack(...(packet.data as unknown[])));
  }

  /** The function handed to a listener: answers the peer's ack once. */
  private ackFor(id: number): AckCallback {
    let sent = false;
    return (...args: unknown[]) => {
      if (sent || !this.connected) return;
      sent = true;
      this.client.writePacket({ type: ACK, nsp: this.nsp.name, id, data: args });
    };
  }

  private forgetAck(id: number): void {
    this.acks.delete(id);
    clearTimeout(this.ackTimers.get(id));
    this.ackTimers.delete(id);
  }

  private registerAck(id: number, event: string, callback: AckCallback, timeout: number | undefined): void {
    if (timeout === undefined) {
      this.acks.set(id, callback);
      return;
    }
    const timer = setTimeout(() => {
      this.forgetAck(id);
      callback(new TimeoutError(`Ack of "${event}" from socket ${this.id} (${this.nsp.name}) timed out after ${timeout} ms`));
    }, timeout);
    this.ackTimers.set(id, timer);
    this.acks.set(id, (...answer) => {
      this.forgetAck(id);
      callback(null, ...answer);
    });
  }

  /** Runs the listeners of `event`; a listener that throws is logged, never fatal to the server. */
  private dispatch(event: string, args: unknown[]): void {
    this.guard(event, () => super.emit(event, ...args));
  }

  private guard(event: string, run: () => void): void {
    try {
      run();
    } catch (error) {
      this.nsp.server.logger.error(`a listener for "${event}" threw`, { sid: this.id, nsp: this.nsp.name, error });
    }
  }
}

// A Socket: one namespace over a Manager's Engine.IO session. Events, acks (with timeouts and at-least-once
// retries), buffering while disconnected, volatile emits, catch-all listeners. Mirrors socket.io-client v4.
// @see https://github.com/socketio/socket.io-protocol (v5)  ·  https://socket.io/docs/v4/client-api/#socket

import { Emitter, type DefaultEventsMap, type EventNames, type EventParams, type EventsMap } from "./emitter.js";
import { OmnioError, TimeoutError } from "./errors.js";
import type { Manager } from "./manager.js";
import { ACK, BINARY_ACK, BINARY_EVENT, CONNECT, CONNECT_ERROR, DISCONNECT, EVENT, isReservedEvent, type SocketPacket } from "./socket-codec.js";
import { SocketQueue } from "./socket-queue.js";

import type {
  Ack,
  AllButLast,
  AnyListener,
  Auth,
  AuthData,
  ConnectError,
  DecorateAcknowledgements,
  FirstArg,
  Last,
  SocketOptions,
  SocketReservedEvents,
} from "./socket-types.js";

export type { Auth, AuthData, ConnectError, DecorateAcknowledgements, SocketOptions, SocketReservedEvents } from "./socket-types.js";

export class Socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L> extends Emitter<L & SocketReservedEvents> {
  /** Session id of this namespace, from the server's CONNECT reply. */
  id: string | undefined;
  connected = false;
  /** The last (re)connection restored the previous session (connection state recovery). */
  recovered = false;
  auth: Auth;
  /** Emits made while disconnected, sent in order on (re)connect. */
  sendBuffer: SocketPacket[] = [];
  /** Events received before `connect` was emitted. */
  receiveBuffer: unknown[][] = [];
  private _active = false;
  private _ids = 0;
  private _acks = new Map<number, Ack>();
  private _volatile = false;
  private _timeout: number | undefined;
  private _any: AnyListener[] = [];
  private _anyOut: AnyListener[] = [];
  private _pid: string | undefined;
  private _offset: string | undefined;
  private _queue: SocketQueue | undefined;

  constructor(
    readonly io: Manager,
    readonly nsp: string,
    private readonly _opts: SocketOptions = {},
  ) {
    super();
    this.auth = _opts.auth ?? {};
    if (_opts.retries) this._queue = new SocketQueue(this, _opts.retries);
    if (io.opts.autoConnect !== false) this.connect();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  /** Subscribed to its Manager: (re)connects with it. False after `disconnect()` or a server-side disconnect. */
  get active(): boolean {
    return this._active;
  }

  connect(): this {
    if (this.connected) return this;
    this._active = true;
    const io = this.io;
    if (!io._reconnecting) io.open();
    if (io._readyState === "open") this._onOpen();
    return this;
  }

  open(): this {
    return this.connect();
  }

  disconnect(): this {
    const was = this.connected;
    if (was) this.io._packet({ type: DISCONNECT, nsp: this.nsp });
    this._leave();
    if (was) this._onClose("io client disconnect");
    return this;
  }

  close(): this {
    return this.disconnect();
  }

  /** The next emit is dropped rather than buffered when it can't be written now. */
  get volatile(): this {
    this._volatile = true;
    return this;
  }

  /** The next emit's ack callback gets `(err, ...args)`, err a TimeoutError after `ms`. */
  timeout(ms: number): Socket<L, DecorateAcknowledgements<E>> {
    this._timeout = ms;
    return this as unknown as Socket<L, DecorateAcknowledgements<E>>;
  }

  emit<Ev extends EventNames<E>>(event: Ev, ...args: EventParams<E, Ev>): this;
  emit(event: string, ...args: unknown[]): this {
    if (isReservedEvent(event)) throw new OmnioError(`Cannot emit "${event}": it is a reserved event name`);
    args.unshift(event);
    const volatile = this._volatile;
    const timeout = this._timeout;
    this._volatile = false;
    this._timeout = undefined;
    if (this._queue && !volatile) this._queue.add(args, timeout);
    else this._emit(args, volatile, timeout);
    return this;
  }

  /** @internal Send (or buffer, or drop if volatile) an EVENT; `args` is [event, ...args, ack?]. */
  _emit(args: unknown[], volatile: boolean, timeout: number | undefined): void {
    // Checked first: finding the session dead closes it, and the disconnect clears acks not yet buffered.
    const now = this.connected && (volatile ? this.io._writable() : this.io._alive());
    const packet: SocketPacket = { type: EVENT, nsp: this.nsp, data: args };
    const last = args[args.length - 1];
    if (typeof last === "function") {
      args.pop();
      packet.id = this._ids++;
      this._ack(packet.id, last as Ack, args[0] as string, timeout ?? this._opts.ackTimeout);
    }
    if (now) this._send(packet);
    else if (!volatile) this.sendBuffer.push(packet);
  }

  /** Emit with an ack and get the server's answer; rejects on timeout when one applies. */
  emitWithAck<Ev extends EventNames<E>>(event: Ev, ...args: AllButLast<EventParams<E, Ev>>): Promise<FirstArg<Last<EventParams<E, Ev>>>>;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    const withError = this._timeout !== undefined || this._opts.ackTimeout !== undefined || !!this._queue;
    return new Promise((resolve, reject) => {
      args.push((a: unknown, b: unknown) => (withError ? (a ? reject(a) : resolve(b)) : resolve(a)));
      (this.emit as (ev: string, ...a: unknown[]) => this)(event, ...args);
    });
  }

  onAny(listener: AnyListener): this {
    this._any.push(listener);
    return this;
  }

  prependAny(listener: AnyListener): this {
    this._any.unshift(listener);
    return this;
  }

  offAny(listener?: AnyListener): this {
    this._any = listener ? this._any.filter((l) => l !== listener) : [];
    return this;
  }

  onAnyOutgoing(listener: AnyListener): this {
    this._anyOut.push(listener);
    return this;
  }

  offAnyOutgoing(listener?: AnyListener): this {
    this._anyOut = listener ? this._anyOut.filter((l) => l !== listener) : [];
    return this;
  }

  /** @internal Write one EVENT now (the caller checked the session). */
  _send(packet: SocketPacket): void {
    this._call(this._anyOut, packet.data as unknown[]);
    this.io._packet(packet);
  }

  /** Register an ack callback; with a timeout it becomes error-first. */
  private _ack(id: number, fn: Ack, event: string, ms: number | undefined): void {
    if (ms === undefined && !fn.withError) return void this._acks.set(id, fn);
    const timer =
      ms === undefined
        ? undefined
        : setTimeout(() => {
            this._acks.delete(id);
            const i = this.sendBuffer.findIndex((p) => p.id === id);
            if (i >= 0) this.sendBuffer.splice(i, 1);
            fn.call(this, new TimeoutError(`No ack for "${event}" on ${this.nsp} within ${ms} ms`));
          }, ms);
    const wrapped: Ack = (...args) => {
      clearTimeout(timer);
      fn.apply(this, args);
    };
    wrapped.withError = true;
    this._acks.set(id, wrapped);
  }

  /** @internal The session is open: ask for this namespace. */
  _onOpen(): void {
    const a = this.auth;
    if (typeof a === "function") a((data) => this._connectPacket(data));
    else this._connectPacket(a);
  }

  private _connectPacket(data: AuthData): void {
    // With a pid (connection state recovery), the server can replay what we missed since `offset`.
    const d = this._pid ? { pid: this._pid, offset: this._offset, ...data } : data;
    this.io._packet({ type: CONNECT, nsp: this.nsp, data: Object.keys(d).length ? d : undefined });
  }

  /** @internal One decoded packet for this namespace. */
  _onPacket(p: SocketPacket): void {
    switch (p.type) {
      case CONNECT: {
        const d = p.data as { sid?: unknown; pid?: unknown } | undefined;
        if (d && typeof d.sid === "string") return this._onConnect(d.sid, typeof d.pid === "string" ? d.pid : undefined);
        return this._fire("connect_error", [new OmnioError(`CONNECT reply on ${this.nsp} without sid`)]);
      }
      case EVENT:
      case BINARY_EVENT: {
        const args = p.data as unknown[];
        if (p.id !== undefined) args.push(this._reply(p.id));
        if (this.connected) this._onEvent(args);
        else this.receiveBuffer.push(args);
        return;
      }
      case ACK:
      case BINARY_ACK: {
        const ack = this._acks.get(p.id!);
        if (!ack) return;
        this._acks.delete(p.id!);
        const args = p.data as unknown[];
        if (ack.withError) args.unshift(null);
        return ack.apply(this, args);
      }
      case DISCONNECT:
        this._leave();
        return this._onClose("io server disconnect");
      case CONNECT_ERROR: {
        this._leave();
        const d = p.data as { message?: unknown; data?: unknown } | string | undefined;
        const message = typeof d === "string" ? d : String(d?.message ?? "connect error");
        const err: ConnectError = new OmnioError(message);
        if (d && typeof d === "object") err.data = d.data;
        return this._fire("connect_error", [err]);
      }
    }
  }

  /** No longer subscribed to the Manager, which closes the session if no other socket is. */
  private _leave(): void {
    this._active = false;
    this.io._destroy();
  }

  /** @internal The Manager failed to open a session. */
  _onError(err: Error): void {
    if (!this.connected) this._fire("connect_error", [err]);
  }

  /** @internal Lost the namespace: the session closed, or one side disconnected it. */
  _onClose(reason: string, description?: unknown): void {
    this.connected = false;
    this.id = undefined;
    // Acks of packets already written will never come; error-first callbacks are told. Buffered ones wait.
    for (const [id, ack] of this._acks) {
      if (this.sendBuffer.some((p) => p.id === id)) continue;
      this._acks.delete(id);
      if (ack.withError) ack.call(this, new OmnioError(`Socket ${this.nsp} disconnected (${reason}) before its ack arrived`));
    }
    this._fire("disconnect", [reason, description]);
  }

  private _onConnect(sid: string, pid: string | undefined): void {
    this.id = sid;
    this.recovered = !!pid && pid === this._pid;
    this._pid = pid;
    this.connected = true;
    for (const args of this.receiveBuffer.splice(0)) this._onEvent(args);
    for (const p of this.sendBuffer.splice(0)) this._send(p);
    this._fire("connect", []);
    this._queue?.drain(true);
  }

  private _onEvent(args: unknown[]): void {
    this._call(this._any, args);
    if (this._pid && typeof args[args.length - 1] === "string") this._offset = args[args.length - 1] as string;
    this._fire(args.shift() as string, args);
  }

  /** The ack function handed to a listener: answers once. */
  private _reply(id: number): (...args: unknown[]) => void {
    let sent = false;
    return (...data) => {
      if (sent) return;
      sent = true;
      this.io._packet({ type: ACK, nsp: this.nsp, id, data });
    };
  }
}

// A Socket: one namespace over a Manager's Engine.IO session. Events, acks (with timeouts and at-least-once
// retries), buffering while disconnected, volatile emits, catch-all listeners. Mirrors socket.io-client v4.
// @see https://github.com/socketio/socket.io-protocol (v5)  ·  https://socket.io/docs/v4/client-api/#socket

import { Emitter, type DefaultEventsMap, type EventNames, type EventParams, type EventsMap } from "./emitter.js";
import { OmnioError, ProtocolError, TimeoutError, type OmnioErrorOptions } from "./errors.js";
import type { Manager } from "./manager.js";
import { ACK, BINARY_ACK, BINARY_EVENT, CONNECT, CONNECT_ERROR, DISCONNECT, EVENT, isReservedEvent, type SocketPacket } from "./socket-codec.js";

import type {
  Ack,
  AllButLast,
  AnyListener,
  Auth,
  AuthData,
  DecorateAcknowledgements,
  FirstArg,
  Last,
  SocketOptions,
  SocketReservedEvents,
} from "./socket-types.js";

export type { Auth, AuthData, ConnectError, DecorateAcknowledgements, SocketOptions, SocketReservedEvents } from "./socket-types.js";

/** Emitter keys of the `onAny` and `onAnyOutgoing` listeners. */
const ANY = 0;
const OUT = 1;

export class Socket<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L> extends Emitter<L & SocketReservedEvents> {
  /** Session id of this namespace, from the server's CONNECT reply. */
  id: string | undefined;
  connected = false;
  /** Subscribed to its Manager: (re)connects with it. False after `disconnect()` or a server-side disconnect. */
  active = false;
  /** The last (re)connection restored the previous session (connection state recovery). */
  recovered = false;
  /** Sent with each namespace CONNECT (a function is asked each time). */
  auth: Auth | undefined;
  /** Emits made while disconnected, sent in order on (re)connect. */
  sendBuffer: SocketPacket[] = [];
  /** Events received before `connect` was emitted. */
  receiveBuffer: unknown[][] = [];
  private _ids = 0;
  /** Ack callbacks by packet id, all error-first here: each unregisters itself when called. */
  private _acks = new Map<number, Ack>();
  private _volatile: boolean | undefined;
  private _timeout: number | undefined;
  /** `retries`: emits waiting their turn; the head one is in flight until acked or out of tries. */
  private _queue: Array<() => void> = [];
  private _pid: string | undefined;
  private _offset: string | undefined;

  constructor(
    readonly io: Manager,
    readonly nsp: string,
    private readonly _opts: SocketOptions = {},
  ) {
    super();
    this.auth = _opts.auth;
    if (io.opts.autoConnect !== false) this.connect();
  }

  get disconnected(): boolean {
    return !this.connected;
  }

  connect(): this {
    if (!this.connected) {
      this.active = true;
      const io = this.io;
      if (!io._reconnecting) io.open();
      if (io._readyState === "open") this._onOpen();
    }
    return this;
  }

  open(): this {
    return this.connect();
  }

  disconnect(): this {
    const was = this.connected;
    if (was) this.io._packet({ type: DISCONNECT, nsp: this.nsp });
    this._leave(was && "io client disconnect");
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
    if (isReservedEvent(event)) throw new OmnioError(`Reserved event name "${event}"`);
    args.unshift(event);
    const volatile = this._volatile;
    const ms = this._timeout ?? this._opts.ackTimeout;
    const fn = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined;
    const retries = this._opts.retries;
    const queue = this._queue;
    this._volatile = this._timeout = undefined;

    /** Send (or buffer, or drop if volatile) one EVENT of `args`, its ack (if `cb`) under a fresh id. */
    const send = (cb: Ack | undefined) => {
      // Checked first: finding the session dead closes it, and the disconnect fails acks not yet buffered.
      const now = this.connected && (volatile ? this.io._writable() : this.io._alive());
      const packet: SocketPacket = { type: EVENT, nsp: this.nsp, data: args };
      if (cb) {
        const id = (packet.id = this._ids++);
        const timer =
          ms !== undefined &&
          setTimeout(() => {
            this.sendBuffer = this.sendBuffer.filter((p) => p !== packet);
            ack(new TimeoutError(`Ack timeout (${event})`));
          }, ms);
        // With a timeout the callback is error-first (as `timeout(ms)` types it); without, it never sees errors.
        const withError = timer || cb.withError;
        const ack: Ack = (err, ...res) => {
          clearTimeout(timer as never); // false (no timeout) is ignored
          this._acks.delete(id);
          if (withError) cb(err, ...res);
          else if (!err) cb(...res);
        };
        this._acks.set(id, ack);
      }
      if (now) this._send(packet);
      else if (!volatile) this.sendBuffer.push(packet);
    };

    if (retries && !volatile) {
      // At-least-once, as socket.io-client 4.6+: one emit in flight at a time, resent with a fresh id after an
      // ack timeout or a disconnect (while disconnected it waits in sendBuffer) until acked or out of tries.
      // The server may see it more than once: deduplicating is the application's part of the bargain.
      let tries = 0;
      const attempt = () => send(done);
      const done: Ack = (err, ...res) => {
        if (err && tries++ < retries) return attempt();
        fn?.(err, ...res); // before the shift: an emit from this callback must queue behind, not jump ahead
        queue.shift();
        queue[0]?.();
      };
      done.withError = true;
      if (queue.push(attempt) < 2) attempt();
    } else send(fn);
    return this;
  }

  /** Emit with an ack and get the server's answer; rejects on timeout or disconnect. */
  emitWithAck<Ev extends EventNames<E>>(event: Ev, ...args: AllButLast<EventParams<E, Ev>>): Promise<FirstArg<Last<EventParams<E, Ev>>>>;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const cb: Ack = (err, answer) => (err ? reject(err) : resolve(answer));
      cb.withError = true;
      (this.emit as (ev: string, ...a: unknown[]) => this)(event, ...args, cb);
    });
  }

  // Catch-all listeners are kept by the emitter under the keys ANY and OUT: numbers, which no event name is.
  onAny(listener: AnyListener): this {
    return this.on(ANY as never, listener as never);
  }

  prependAny(listener: AnyListener): this {
    const all = this._m.all;
    all.set(ANY, [listener as never, ...(all.get(ANY) ?? [])]);
    return this;
  }

  offAny(listener?: AnyListener): this {
    return this.off(ANY as never, listener as never);
  }

  onAnyOutgoing(listener: AnyListener): this {
    return this.on(OUT as never, listener as never);
  }

  offAnyOutgoing(listener?: AnyListener): this {
    return this.off(OUT as never, listener as never);
  }

  /** Write one EVENT now (the caller checked the session). */
  private _send(packet: SocketPacket): void {
    this._fire(OUT, packet.data as unknown[]);
    this.io._packet(packet);
  }

  /** @internal The session is open: ask for this namespace. */
  _onOpen(): void {
    // With a pid (connection state recovery), the server can replay what we missed since `offset`.
    const send = (data?: AuthData) =>
      this.io._packet({ type: CONNECT, nsp: this.nsp, data: this._pid ? { pid: this._pid, offset: this._offset, ...data } : data });
    const a = this.auth;
    if (typeof a === "function") a(send);
    else send(a);
  }

  /** @internal One decoded packet for this namespace (the codec checked each type's payload shape). */
  _onPacket(p: SocketPacket): void {
    // By type: a CONNECT reply or error's object (or error string), or an EVENT's or ACK's arguments.
    const d = p.data as { sid?: string; pid?: string; message?: string; data?: unknown } & unknown[];
    switch (p.type) {
      case CONNECT:
        if (!d?.sid) return this._onError(new ProtocolError("CONNECT without sid"));
        this.id = d.sid;
        this.recovered = !!d.pid && d.pid === this._pid;
        this._pid = d.pid;
        this.connected = true;
        for (const args of this.receiveBuffer.splice(0)) this._onEvent(args);
        for (const packet of this.sendBuffer.splice(0)) this._send(packet);
        return this._fire("connect", []);
      case EVENT:
      case BINARY_EVENT: {
        const args = d;
        const id = p.id;
        let sent: boolean | undefined;
        // The ack function handed to a listener: answers once.
        if (id !== undefined) {
          args.push((...data: unknown[]) => {
            if (!sent) this.io._packet({ type: ACK, nsp: this.nsp, id, data });
            sent = true;
          });
        }
        if (this.connected) this._onEvent(args);
        else this.receiveBuffer.push(args);
        return;
      }
      case ACK:
      case BINARY_ACK:
        return this._acks.get(p.id!)?.(null, ...d);
      case DISCONNECT:
        return this._leave("io server disconnect");
      case CONNECT_ERROR: {
        this._leave();
        // The server's message (a string, or `{message, data}` from a middleware); `data` lands on the error.
        return this._onError(new OmnioError(typeof d === "string" ? d : d.message ?? "Refused", { data: d.data } as OmnioErrorOptions));
      }
    }
  }

  /** No longer subscribed to the Manager, which closes the session if no other socket is; then closed. */
  private _leave(reason?: string | false): void {
    this.active = false;
    this.io._destroy();
    if (reason) this._onClose(reason);
  }

  /** @internal The Manager failed to open a session (or the server refused this namespace). */
  _onError(err: Error): void {
    if (!this.connected) this._fire("connect_error", [err]);
  }

  /** @internal Lost the namespace: the session closed, or one side disconnected it. */
  _onClose(reason: string, description?: unknown): void {
    this.connected = false;
    this.id = undefined;
    // Acks of packets already written will never come: fail them. Buffered ones wait for the next connect.
    for (const [id, ack] of this._acks) if (!this.sendBuffer.some((p) => p.id === id)) ack(new OmnioError(`Disconnected (${reason})`));
    this._fire("disconnect", [reason, description]);
  }

  private _onEvent(args: unknown[]): void {
    this._fire(ANY, args);
    const last = args[args.length - 1];
    if (this._pid && typeof last === "string") this._offset = last;
    this._fire(args.shift() as string, args);
  }
}

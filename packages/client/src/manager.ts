// The Manager (`socket.io`): one Engine.IO session per origin + path, multiplexing namespaces (Sockets) over
// it, with reconnection (exponential backoff + jitter) and the transport insight events.
// @see https://socket.io/docs/v4/client-api/#manager

import { backoffDelay } from "./backoff.js";
import { Emitter, rethrow } from "./emitter.js";
import { Engine, probeTransports, type EngineEvents, type EngineHandler, type EngineStrategy } from "./engine.js";
import type { RankingRow } from "./ranking.js";
import { encodeSocketPacket, SocketDecoder, type SocketPacket } from "./socket-codec.js";
import { Socket, type SocketOptions } from "./socket.js";
import type { TransportFactory, TransportName } from "./transport.js";
import { engineUri } from "./url.js";

export interface ManagerOptions {
  /** The transports to use, best first. `@omnio/client` imports none: pass factories. */
  transports: TransportFactory[];
  /** Engine.IO path on the server (default `/socket.io/`). */
  path?: string;
  query?: Record<string, string | number | boolean>;
  withCredentials?: boolean;
  extraHeaders?: Record<string, string>;
  /** Reconnect after a lost session (default true). */
  reconnection?: boolean;
  reconnectionAttempts?: number;
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  randomizationFactor?: number;
  /** Connection timeout (ms) for each open attempt (default 20000). */
  timeout?: number;
  /** Sockets connect when created (default true). */
  autoConnect?: boolean;
  /** The global object transports feature-detect on (tests pass a fake). */
  global?: typeof globalThis;
  /**
   * Remember per origin (in localStorage where it works) which transports worked, failed or were buffered, and
   * the measured RTT, to start on the best one next time (default true). `false`: this Manager only.
   */
  rememberTransport?: boolean;
  /** A fixed deadline (ms) for each upgrade probe and remembered direct handshake, instead of the RTT-derived one. */
  probeTimeout?: number;
  /**
   * How transports are chosen: `ranked` (from `@omnio/client`, the `omnio` preset's default) ranks them by probes,
   * memory and RTT, handshakes on the most dependable and upgrades. Without one: the supported transports in
   * the given order, each tried when the one before fails, no upgrades (`rememberTransport`/`probeTimeout` unused).
   */
  strategy?: (uri: string, opts: ManagerOptions) => EngineStrategy;
}

export type TransportEvent = EngineEvents["transport"];

export interface ManagerEvents {
  open: () => void;
  close: (reason: string, error?: Error) => void;
  error: (err: Error) => void;
  reconnect_attempt: (attempt: number) => void;
  reconnect: (attempt: number) => void;
  reconnect_error: (err: Error) => void;
  reconnect_failed: () => void;
  transport: (event: TransportEvent) => void;
  upgrade: (event: EngineEvents["upgrade"]) => void;
  upgradeError: (event: EngineEvents["upgradeError"]) => void;
}

export class Manager extends Emitter<ManagerEvents> {
  engine: Engine | undefined;
  /** Sockets by namespace. */
  readonly nsps = new Map<string, Socket>();
  /** Engine.IO endpoint: origin + path, with a trailing slash. */
  readonly uri: string;
  /** @internal */
  _readyState: "closed" | "opening" | "open" = "closed";
  /** @internal */
  _reconnecting = false;
  private _reconnection: boolean;
  /** Closed on purpose (maybe by a listener while a lost session is reported): no reconnecting until open(). */
  private _stop = false;
  /** Reconnection attempts since the last success (or give-up, or close). */
  private _attempts = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** Ranking, memory and this Manager's transport deaths, shared by all its sessions (opt-in). */
  private _strategy: EngineStrategy | undefined;

  constructor(
    /** Any URL on the server (only its origin is used), e.g. `https://example.com`. */
    url: string,
    readonly opts: ManagerOptions,
  ) {
    super();
    this.uri = engineUri(new URL(url).origin, opts.path);
    this._reconnection = opts.reconnection !== false;
    this._strategy = opts.strategy?.(this.uri, opts);
  }

  /** Wire name of the transport carrying the session now, or null. */
  get transport(): TransportName | null {
    return this.engine?.transport?.name ?? null;
  }

  /** Get or set whether the Manager reconnects; `reconnection(false)` also stops a pending attempt. */
  reconnection(): boolean;
  reconnection(value: boolean): this;
  reconnection(value?: boolean): boolean | this {
    if (value === undefined) return this._reconnection;
    if (!(this._reconnection = value)) this._cancel();
    return this;
  }

  /**
   * One row per transport, best first, as the next connection would rank them: static probe and, with the
   * `ranked` strategy, this origin's memory (last outcome, smoothed RTT) and this Manager's transport deaths.
   */
  ranking(): RankingRow[] {
    const t = this.opts.transports;
    const probes = probeTransports(t, this.uri, this.opts.global);
    if (this._strategy) return this._strategy.rank(probes);
    // Without a strategy the order is the user's: supported ones first, scored by position.
    return probes
      .map((p, i) => ({ name: t[i]!.name, ...p, score: p.supported ? t.length - i : 0, last: null, rttMs: null }))
      .sort((a, b) => b.score - a.score);
  }

  /** The Socket for `nsp`, created (and connected unless `autoConnect: false`) on first use. */
  socket(nsp: string, opts?: SocketOptions): Socket {
    let s = this.nsps.get(nsp);
    if (!s) this.nsps.set(nsp, (s = new Socket(this, nsp, opts)));
    else if (this.opts.autoConnect !== false && !s.active) s.connect();
    return s;
  }

  /** Open the session if it is not open or opening. `cb` gets the error if this attempt fails. */
  open(cb?: (err?: Error) => void): this {
    if (this._readyState !== "closed") return this;
    this._readyState = "opening";
    this._stop = false;
    const decoder = new SocketDecoder();
    // EngineOptions is a subset of ManagerOptions.
    const handler: EngineHandler = {
      onOpen: () => {
        this._readyState = "open";
        this._fire("open", []);
        for (const s of this.nsps.values()) if (s.active && this.engine === engine) s._onOpen();
        cb?.();
      },
      onMessage: (data) => {
        let p: SocketPacket | undefined;
        try {
          p = decoder.add(data as string | ArrayBuffer); // transports decode to strings and ArrayBuffers
        } catch (e) {
          // A peer that sends garbage ends the session; reconnection decides what comes next.
          return engine._close("parse error", e as Error);
        }
        const s = p && this.nsps.get(p.nsp);
        if (!s?.active) return;
        try {
          s._onPacket(p!);
        } catch (e) {
          // A throwing ack callback or catch-all listener must not leave the transport half-way.
          rethrow(e);
        }
      },
      onClose: (reason, error) => {
        if (this.engine !== engine) return;
        this.engine = undefined;
        const opening = this._readyState === "opening";
        this._readyState = "closed";
        // A failed opening always comes with its error (the aggregate, a timeout, a bad open packet).
        this._fire(opening ? "error" : "close", opening ? [error!] : [reason, error]);
        for (const s of this.nsps.values()) if (s.active) opening ? s._onError(error!) : s._onClose(reason, error);
        if (opening && cb) cb(error);
        // A first failed open() without a callback starts reconnecting; a failed attempt reports to its own.
        else if (this._reconnection && !(opening && this._attempts)) this._reconnect();
      },
      onEvent: (type, event) => this._fire(type, [event] as never),
    };
    const engine: Engine = (this.engine = this._strategy?.session(this.uri, this.opts, handler) ?? new Engine(this.uri, this.opts, handler));
    engine.open();
    return this;
  }

  connect(cb?: (err?: Error) => void): this {
    return this.open(cb);
  }

  private _reconnect(): void {
    if (this._reconnecting || this._stop) return;
    const o = this.opts;
    const n = this._attempts;
    if (n >= (o.reconnectionAttempts ?? Infinity)) {
      this._attempts = 0;
      return this._fire("reconnect_failed", []);
    }
    this._reconnecting = true;
    this._timer = setTimeout(() => {
      this._fire("reconnect_attempt", [++this._attempts]);
      if (!this._reconnecting) return; // a listener stopped it (reconnection(false), close)
      this.open((err) => {
        this._reconnecting = false;
        if (err) {
          this._fire("reconnect_error", [err]);
          return this._reconnect();
        }
        this._fire("reconnect", [this._attempts]);
        this._attempts = 0;
      });
    }, backoffDelay(n, o.reconnectionDelay, o.reconnectionDelayMax, o.randomizationFactor));
  }

  /** Stop a pending reconnection. */
  private _cancel(): void {
    clearTimeout(this._timer);
    this._reconnecting = false;
  }

  /** @internal A socket left: close the session when no socket is active any more. */
  _destroy(): void {
    for (const s of this.nsps.values()) if (s.active) return;
    this._close();
  }

  /** @internal Stop everything: the session, a pending reconnection. */
  _close(): void {
    this._stop = true;
    this._cancel();
    this._attempts = 0;
    this._readyState = "closed";
    const e = this.engine;
    this.engine = undefined;
    if (!e) return;
    e.close();
    this._fire("close", ["forced close"]);
  }

  /** @internal Encode and queue one Socket.IO packet (dropped when no session is open). */
  _packet(p: SocketPacket): void {
    const e = this.engine;
    if (e?.readyState === "open") for (const f of encodeSocketPacket(p)) e.send(f);
  }

  /** @internal Open and not silently dead (checks the heartbeat deadline now). */
  _alive(): boolean {
    return !!this.engine?.alive();
  }

  /** @internal A packet handed over now would be written at once (volatile emits need this). */
  _writable(): boolean {
    return this._alive() && this.engine!.writable();
  }
}

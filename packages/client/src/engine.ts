// The Engine.IO v4 session, transport-agnostic: handshake (with fallback to the next transport), server-driven
// heartbeat, write buffer (maxPayload-sized batches on half-duplex transports), close, and the one generic
// upgrade procedure for any pair of transports. The plan (which transport, which upgrades) comes from plan.ts.
// @see https://github.com/socketio/engine.io-protocol#sessions  and  ../../../../shared/PROTOCOL.md §1

import type { BinaryData, EnginePacket } from "./engine-codec.js";
import { ProtocolError, TimeoutError, TransportError } from "./errors.js";
import { HANDSHAKE_DEADLINE_MS, planConnection, type HandshakeStep, type UpgradeStep } from "./plan.js";
import type { TransportOutcome } from "./transport-memory.js";
import { crossOrigin, staticStrategy, type EngineStrategy } from "./transport-strategy.js";
import type { ProbeResult, Transport, TransportFactory, TransportName, TransportSink, TransportTraits } from "./transport.js";
import { Upgrade, type UpgradeHost } from "./upgrade.js";
import { batchLength } from "./write-batch.js";

export interface EngineOptions {
  readonly transports: readonly TransportFactory[];
  readonly query?: Record<string, string>;
  readonly withCredentials?: boolean;
  readonly extraHeaders?: Record<string, string>;
  readonly global?: typeof globalThis;
  /** Ranking and outcome memory (the Manager's); without one: static probes in the user's order, nothing kept. */
  readonly strategy?: EngineStrategy;
}

/** The open packet's payload. */
export interface Handshake {
  sid: string;
  upgrades: string[];
  pingInterval: number;
  pingTimeout: number;
  maxPayload: number;
}

/** What the session reports upward (the Manager). Nothing is reported after `onClose`. */
export interface EngineHandler {
  onOpen(): void;
  onMessage(data: string | BinaryData): void;
  onClose(reason: string, error?: Error): void;
  onTransport(name: TransportName, previous: TransportName | null, reason: string): void;
  onUpgrade(name: TransportName, previous: TransportName): void;
  onUpgradeError(name: TransportName, error: Error): void;
}

/** How long a closing session may wait for its last packets (close packet included) to be written. */
const LINGER_MS = 1000;
export { HANDSHAKE_DEADLINE_MS };

export class Engine implements UpgradeHost {
  readyState: "opening" | "open" | "closed" = "opening";
  /** Session id once the handshake arrived. */
  id: string | undefined;
  handshake: Handshake | undefined;
  transport: Transport | undefined;
  /** Static probe result per user transport (same order), set by `open()`. */
  probes: ProbeResult[] = [];
  private _wb: EnginePacket[] = [];
  /** The current transport's traits (its factory's). Fields below without an initializer are set before use. */
  private _traits!: TransportTraits;
  /** Writes held while a Blob is read for a text transport. */
  private _reading?: boolean;
  /** The heartbeat deadline; before the handshake, the handshake attempt's deadline. */
  private _pingTimer: ReturnType<typeof setTimeout> | undefined;
  private _pingDeadline!: number;
  private _lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private _queue!: HandshakeStep[];
  /**
   * Handshake failures of this attempt: each error goes into the aggregate when all fail; the outcomes are
   * remembered only if some transport then opens the session.
   */
  private _failed: Array<[TransportName, TransportOutcome, TransportError]> = [];
  private _started!: number;
  private _upgrades!: UpgradeStep[];
  private _up: Upgrade | undefined;
  private _upStarted!: number;
  private readonly _strategy: EngineStrategy;

  constructor(
    /** Engine.IO endpoint with trailing slash: `https://host/socket.io/`. */
    readonly base: string,
    private readonly _opts: EngineOptions,
    private readonly _h: EngineHandler,
  ) {
    this._strategy = _opts.strategy ?? staticStrategy(_opts.transports);
  }

  open(): void {
    this.probes = probeTransports(this._opts.transports, this.base, this._opts.global);
    const rows = this._strategy.rank(this.probes);
    this._queue = planConnection(this._opts.transports, rows, undefined, this._strategy).handshake.slice();
    this._next();
  }

  /** Queue one message packet. Callers check `alive()` first. */
  send(data: string | BinaryData): void {
    this._wb.push({ type: "message", data });
    this._flush();
  }

  /**
   * True when the session is open and not silently dead. Checked right before sending because timers are
   * throttled in background tabs: the heartbeat timer may not have fired although its deadline passed.
   */
  alive(): boolean {
    if (this.readyState !== "open") return false;
    if (Date.now() > this._pingDeadline) {
      this._pingTimeout();
      return false;
    }
    return true;
  }

  /** The current transport would take a packet now (nothing queued ahead, not busy, not pausing). */
  writable(): boolean {
    return !!this.transport?.writable && !this._wb.length && !this._up?.pausing && !this._reading;
  }

  /**
   * Close the session. On purpose (no `error`), what is queued and the close packet are still written, within
   * LINGER_MS; with an error, the transport is dropped at once.
   */
  close(reason = "forced close", error?: Error): void {
    if (this.readyState === "open" && !error) {
      this._wb.push({ type: "close" });
      this._lingerTimer = setTimeout(() => this._release(), LINGER_MS);
    }
    this._close(reason, error);
  }

  private _next(): void {
    const step = this._queue.shift();
    if (!step) {
      const errors = this._failed.map((f) => f[2]);
      const what = errors.length ? "every transport failed" : "no supported transport";
      const reasons = this.probes.map((p, i) => `${this._opts.transports[i]!.name}: ${p.reason}`).join("; ");
      const error = new TransportError(`Failed to connect to ${this.base}: ${what} (${reasons})`, undefined, {
        errors,
        cause: errors[errors.length - 1],
      });
      // Never from inside open(): whoever opened us may not be listening yet.
      return queueMicrotask(() => this._close("transport error", error));
    }
    const f = step.factory;
    this._started = Date.now();
    const t = this._use(f, this._create(f));
    clearTimeout(this._pingTimer);
    if (this._queue.length) {
      // A silent hang is a failure too, when something else could be tried.
      this._pingTimer = setTimeout(() => {
        if (this.transport !== t || this.readyState !== "opening") return;
        this.transport = undefined;
        t.close();
        const cause = new TimeoutError(`no open packet within ${step.deadlineMs} ms`);
        // A stream that never delivers its open packet is as buffered as a late probe.
        this._failed.push([
          f.name,
          f.traits.streaming ? "buffered" : "timeout",
          new TransportError(`Failed to open ${f.name} to ${this.base}: ${cause.message}`, f.name, { cause }),
        ]);
        this._next();
      }, step.deadlineMs);
    }
    t.open();
  }

  private _use(f: TransportFactory, t: Transport): Transport {
    this.transport = t;
    this._traits = f.traits;
    return t;
  }

  private _create(f: TransportFactory): Transport {
    // The sink routes by identity: events from a transport that is neither current nor the upgrade
    // candidate (dropped, closed, superseded) are ignored, as the contract promises.
    let t: Transport | undefined;
    const cand = () => (t && t === this._up?.transport ? this._up : undefined);
    const sink: TransportSink = {
      onOpen: () => cand()?.onOpen(),
      onPacket: (p) => {
        const up = cand();
        if (up) up.onPacket(p);
        else if (t && t === this.transport && this.readyState !== "closed") this._onPacket(t, p);
      },
      onDrain: () => {
        if (t !== this.transport) return;
        if (this.readyState === "closed" && !this._wb.length) this._release();
        else this._flush();
      },
      onClose: (reason, error) => {
        const up = cand();
        if (up) up.onClose(reason, error);
        else if (t === this.transport) {
          if (this.readyState === "closed") return this._release();
          this.transport = undefined;
          if (this.readyState === "open") {
            if (error) this._strategy.died(f.name);
            return this._close(error ? "transport error" : "transport close", error);
          }
          this._failed.push([
            f.name,
            "failed",
            error instanceof TransportError ? error : new TransportError(`Failed to open ${f.name} to ${this.base}: ${reason}`, f.name, { cause: error }),
          ]);
          this._next(); // a failed handshake moves on at once
        }
      },
    };
    const o = this._opts;
    t = f.create({
      base: this.base,
      query: () => {
        const q: Record<string, string> = { ...o.query, EIO: "4" };
        if (this.id) q.sid = this.id;
        return q;
      },
      withCredentials: !!o.withCredentials,
      extraHeaders: o.extraHeaders,
      maxPayload: () => this.handshake?.maxPayload ?? 1e6,
      global: o.global ?? globalThis,
      sink,
    });
    return t;
  }

  private _onPacket(t: Transport, p: EnginePacket): void {
    // Before the open packet nothing else means anything; after it, a second one is ignored.
    if (this.readyState === "opening") return p.type === "open" ? this._onHandshake(t, p.data) : undefined;
    switch (p.type) {
      case "message":
        return this._h.onMessage(p.data ?? "");
      case "ping":
        this._resetPing();
        this._wb.push({ type: "pong" });
        return this._flush();
      case "close":
        return this._close("transport close");
    }
  }

  private _onHandshake(t: Transport, data: EnginePacket["data"]): void {
    let hs: Handshake | undefined;
    try {
      hs = JSON.parse(data as string) as Handshake;
    } catch {
      // reported below
    }
    if (!hs || typeof hs.sid !== "string" || !(hs.pingInterval > 0) || !(hs.pingTimeout > 0)) {
      const cause = new ProtocolError(`Invalid open packet: ${String(data).slice(0, 100)}`);
      return this._close("parse error", new TransportError(`Failed to open ${t.name} to ${this.base}: bad handshake`, t.name, { cause }));
    }
    if (!Array.isArray(hs.upgrades)) hs.upgrades = [];
    if (!(hs.maxPayload > 0)) hs.maxPayload = 1e6;
    this.id = hs.sid;
    this.handshake = hs;
    this.readyState = "open";
    this._resetPing();
    const info = { transport: t.name, upgrades: hs.upgrades, rttMs: Date.now() - this._started };
    // Something opened, so the failures before it were the transports', not the server's or the network's.
    for (const [name, outcome] of this._failed.splice(0)) this._strategy.record(name, outcome);
    this._strategy.record(t.name, "ok", info.rttMs);
    const rows = this._strategy.rank(this.probes);
    this._upgrades = planConnection(this._opts.transports, rows, info, this._strategy).upgrades.slice();
    this._h.onTransport(t.name, null, "handshake");
    if (this.readyState !== "open") return;
    this._h.onOpen();
    if (this.readyState !== "open") return;
    this._flush();
    this._upgradeNext();
  }

  private _resetPing(): void {
    clearTimeout(this._pingTimer);
    const ms = this.handshake!.pingInterval + this.handshake!.pingTimeout;
    this._pingDeadline = Date.now() + ms;
    this._pingTimer = setTimeout(() => this._pingTimeout(), ms);
  }

  /** Silence past the heartbeat deadline: the transport died without saying so. */
  private _pingTimeout(): void {
    // Only reached while open (alive() checks, _close clears the timer), and an open session has a transport.
    this._strategy.died(this.transport!.name);
    this._close("ping timeout");
  }

  private _flush(): void {
    const t = this.transport;
    const wb = this._wb;
    if (!t || this._up?.pausing || this._reading || !wb.length || !t.writable || this.readyState === "opening") return;
    if (!this._traits.binary) {
      // Text transports can't carry a Blob: read it first, holding later packets so order is kept.
      const B = globalThis.Blob;
      const p = B && wb.find((p) => p.data instanceof B);
      if (p) {
        this._reading = true;
        (p.data as Blob).arrayBuffer().then(
          (ab) => {
            p.data = ab;
            this._reading = false;
            this._flush();
          },
          (e: unknown) => this._close("transport error", new TransportError(`Failed to read a Blob for ${t.name}`, t.name, { cause: e })),
        );
        return;
      }
    }
    // Packets are only queued once open (send() callers check alive()), so the handshake is known here.
    const n = this._traits.duplex ? wb.length : batchLength(wb, this.handshake!.maxPayload);
    t.send(n === wb.length ? ((this._wb = []), wb) : wb.splice(0, n));
  }

  private _upgradeNext(): void {
    const step = this._upgrades.shift();
    if (!step || this.readyState !== "open") return;
    this._up = new Upgrade(step.factory, this._create(step.factory), this);
    this._upStarted = Date.now();
    this._up.start(step.deadlineMs);
  }

  /** @internal 3probe arrived and the old transport is paused: `5` goes first on the new one, then the rest. */
  _switch(up: Upgrade): void {
    if (this._up !== up) return; // _close() clears _up: a closed session never switches
    this._up = undefined;
    const old = this.transport!;
    const name = up.factory.name;
    this._wb.unshift({ type: "upgrade" });
    this._use(up.factory, up.transport);
    old.close();
    this._upgrades = [];
    this._strategy.record(name, "ok", Date.now() - this._upStarted);
    this._h.onUpgrade(name, old.name);
    this._h.onTransport(name, old.name, "upgrade");
    this._flush();
  }

  /** @internal */
  _upgradeFailed(up: Upgrade, error: Error): void {
    if (this._up !== up) return;
    this._up = undefined;
    // A streaming probe that misses its deadline is the signature of a buffering proxy.
    const late = error instanceof TimeoutError;
    this._strategy.record(up.factory.name, late ? (up.factory.traits.streaming ? "buffered" : "timeout") : "failed");
    this._h.onUpgradeError(up.factory.name, error);
    // Failing after the old transport paused leaves nothing to resume on: end the session, reconnect decides.
    if (up.pausing) return this._close("transport error", error);
    this._upgradeNext();
  }

  private _close(reason: string, error?: Error): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    clearTimeout(this._pingTimer);
    const up = this._up;
    this._up = undefined;
    up?.cancel();
    if (this._lingerTimer) {
      this._flush();
      if (!this._wb.length && this.transport?.writable) this._release();
    } else this._release();
    this._h.onClose(reason, error);
  }

  /** Let go of the transport for good. */
  private _release(): void {
    clearTimeout(this._lingerTimer);
    const t = this.transport;
    this.transport = undefined;
    this._wb = [];
    t?.close();
  }
}

/** Each transport's static probe, in order; a probe that throws counts as unsupported. */
export function probeTransports(transports: readonly TransportFactory[], base: string, global = globalThis): ProbeResult[] {
  const url = new URL(base);
  const env = { url, crossOrigin: crossOrigin(global, url), global };
  return transports.map((f) => {
    try {
      return f.probe(env);
    } catch (e) {
      return { supported: false, reason: `probe failed: ${(e as Error)?.message ?? e}` };
    }
  });
}

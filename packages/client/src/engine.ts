// The Engine.IO v4 session, transport-agnostic: handshake (with fallback to the next transport), server-driven
// heartbeat, write buffer (maxPayload-sized batches on half-duplex transports), close, and the one generic
// upgrade procedure for any pair of transports. The plan (which transport, which upgrades) comes from plan.ts.
// @see https://github.com/socketio/engine.io-protocol#sessions  and  ../../../../shared/PROTOCOL.md §1

import type { BinaryData, EnginePacket } from "./engine-codec.js";
import { ProtocolError, TimeoutError, TransportError } from "./errors.js";
import { planConnection, type UpgradeStep } from "./plan.js";
import type { ProbeResult, Transport, TransportFactory, TransportName, TransportSink } from "./transport.js";

export interface EngineOptions {
  readonly transports: readonly TransportFactory[];
  readonly query?: Record<string, string>;
  readonly withCredentials?: boolean;
  readonly extraHeaders?: Record<string, string>;
  readonly global?: typeof globalThis;
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

export class Engine {
  readyState: "opening" | "open" | "closed" = "opening";
  /** Session id once the handshake arrived. */
  id: string | undefined;
  handshake: Handshake | undefined;
  transport: Transport | undefined;
  /** Static probe result per user transport (same order), set by `open()`. */
  probes: ProbeResult[] = [];
  private _wb: EnginePacket[] = [];
  private _duplex = false;
  private _binary = false;
  /** Writes held while the old transport pauses for an upgrade. */
  private _pausing = false;
  /** Writes held while a Blob is read for a text transport. */
  private _reading = false;
  private _pingTimer: ReturnType<typeof setTimeout> | undefined;
  private _pingDeadline = 0;
  private _lingerTimer: ReturnType<typeof setTimeout> | undefined;
  private _queue: TransportFactory[] = [];
  private _errors: TransportError[] = [];
  private _started = 0;
  private _upgrades: UpgradeStep[] = [];
  private _cand: Transport | undefined;
  private _candTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    /** Engine.IO endpoint with trailing slash: `https://host/socket.io/`. */
    readonly base: string,
    private readonly _opts: EngineOptions,
    private readonly _h: EngineHandler,
  ) {}

  open(): void {
    this.probes = probeTransports(this._opts.transports, this.base, this._opts.global);
    this._queue = planConnection(this._opts.transports, this.probes).handshake.slice();
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
      this._close("ping timeout");
      return false;
    }
    return true;
  }

  /** The current transport would take a packet now (nothing queued ahead, not busy, not pausing). */
  writable(): boolean {
    return !!this.transport?.writable && !this._wb.length && !this._pausing && !this._reading;
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
    const f = this._queue.shift();
    if (!f) {
      const what = this._errors.length ? "every transport failed" : "no supported transport";
      const reasons = this.probes.map((p, i) => `${this._opts.transports[i]!.name}: ${p.reason}`).join("; ");
      const error = new TransportError(`Failed to connect to ${this.base}: ${what} (${reasons})`, undefined, {
        errors: this._errors,
        cause: this._errors[this._errors.length - 1],
      });
      // Never from inside open(): whoever opened us may not be listening yet.
      return queueMicrotask(() => this._close("transport error", error));
    }
    this._started = Date.now();
    this._use(f, this._create(f)).open();
  }

  private _use(f: TransportFactory, t: Transport): Transport {
    this.transport = t;
    this._duplex = f.traits.duplex;
    this._binary = f.traits.binary;
    return t;
  }

  private _create(f: TransportFactory): Transport {
    // The sink routes by identity: events from a transport that is neither current nor the upgrade
    // candidate (dropped, closed, superseded) are ignored, as the contract promises.
    let t: Transport | undefined;
    const sink: TransportSink = {
      onOpen: () => {
        if (t && t === this._cand) t.send([{ type: "ping", data: "probe" }]);
      },
      onPacket: (p) => {
        if (!t) return;
        if (t === this._cand) this._onProbe(f, t, p);
        else if (t === this.transport && this.readyState !== "closed") this._onPacket(t, p);
      },
      onDrain: () => {
        if (t !== this.transport) return;
        if (this.readyState === "closed" && !this._wb.length) this._release();
        else this._flush();
      },
      onClose: (reason, error) => {
        if (t === this._cand) {
          this._upgradeFailed(f, new TransportError(`Upgrade to ${f.name} failed: ${reason}`, f.name, { cause: error }));
        } else if (t === this.transport) {
          if (this.readyState === "closed") return this._release();
          this.transport = undefined;
          if (this.readyState === "open") return this._close(error ? "transport error" : "transport close", error);
          this._errors.push(
            error instanceof TransportError ? error : new TransportError(`Failed to open ${f.name} to ${this.base}: ${reason}`, f.name, { cause: error }),
          );
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
    switch (p.type) {
      case "message":
        if (this.readyState === "open") this._h.onMessage(p.data ?? "");
        return;
      case "ping":
        this._resetPing();
        this._wb.push({ type: "pong" });
        return this._flush();
      case "open":
        if (this.readyState === "opening") this._onHandshake(t, p.data);
        return;
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
      const cause = new ProtocolError(`Invalid Engine.IO open packet from ${this.base}: ${String(data).slice(0, 100)}`);
      return this._close("parse error", new TransportError(`Failed to open ${t.name} to ${this.base}: bad handshake`, t.name, { cause }));
    }
    if (!Array.isArray(hs.upgrades)) hs.upgrades = [];
    if (!(hs.maxPayload > 0)) hs.maxPayload = 1e6;
    this.id = hs.sid;
    this.handshake = hs;
    this.readyState = "open";
    this._resetPing();
    const info = { transport: t.name, upgrades: hs.upgrades, rttMs: Date.now() - this._started };
    this._upgrades = planConnection(this._opts.transports, this.probes, info).upgrades.slice();
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
    this._pingTimer = setTimeout(() => this._close("ping timeout"), ms);
  }

  private _flush(): void {
    const t = this.transport;
    const wb = this._wb;
    if (!t || this._pausing || this._reading || !wb.length || !t.writable || this.readyState === "opening") return;
    if (!this._binary) {
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
    t.send(this._duplex || wb.length === 1 ? ((this._wb = []), wb) : this._batch(wb));
  }

  /** The longest prefix of the write buffer that fits in one maxPayload-sized request (at least one packet). */
  private _batch(wb: EnginePacket[]): EnginePacket[] {
    const max = this.handshake?.maxPayload ?? 1e6;
    let size = 0;
    let i = 0;
    for (; i < wb.length; i++) {
      const d = wb[i]!.data;
      size += 2 + (d === undefined ? 0 : typeof d === "string" ? utf8Length(d) : Math.ceil(byteLength(d) / 3) * 4);
      if (i && size > max) break;
    }
    if (i === wb.length) {
      this._wb = [];
      return wb;
    }
    return wb.splice(0, i);
  }

  private _upgradeNext(): void {
    const step = this._upgrades.shift();
    if (!step || this.readyState !== "open") return;
    const f = step.factory;
    this._cand = this._create(f);
    this._candTimer = setTimeout(
      () => this._upgradeFailed(f, new TimeoutError(`Upgrade to ${f.name} at ${this.base} timed out: no 3probe within ${step.deadlineMs} ms`)),
      step.deadlineMs,
    );
    this._cand.open();
  }

  private _onProbe(f: TransportFactory, cand: Transport, p: EnginePacket): void {
    if (p.type !== "pong" || p.data !== "probe") {
      const got = `${p.type}${typeof p.data === "string" ? ` "${p.data.slice(0, 20)}"` : ""}`;
      return this._upgradeFailed(f, new TransportError(`Upgrade to ${f.name} failed: expected 3probe, got ${got}`, f.name));
    }
    if (this._pausing) return; // a duplicate 3probe
    clearTimeout(this._candTimer);
    this._pausing = true;
    const old = this.transport!;
    const swap = () => {
      if (this._cand !== cand || this.readyState !== "open") return;
      this._cand = undefined;
      this._pausing = false;
      this._wb.unshift({ type: "upgrade" });
      this._use(f, cand);
      old.close();
      this._upgrades = [];
      this._h.onUpgrade(f.name, old.name);
      this._h.onTransport(f.name, old.name, "upgrade");
      this._flush();
    };
    if (old.pause) old.pause(swap);
    else swap();
  }

  private _upgradeFailed(f: TransportFactory, error: Error): void {
    const cand = this._cand;
    if (!cand) return;
    this._cand = undefined;
    clearTimeout(this._candTimer);
    cand.close();
    this._h.onUpgradeError(f.name, error);
    // Failing after the old transport paused leaves nothing to resume on: end the session, reconnect decides.
    if (this._pausing) return this._close("transport error", error);
    this._upgradeNext();
  }

  private _close(reason: string, error?: Error): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    clearTimeout(this._pingTimer);
    const cand = this._cand;
    this._cand = undefined;
    clearTimeout(this._candTimer);
    cand?.close();
    if (this._lingerTimer) {
      this._pausing = false;
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
  const env = { url, crossOrigin: !!global.location && global.location.origin !== url.origin, global };
  return transports.map((f) => {
    try {
      return f.probe(env);
    } catch (e) {
      return { supported: false, reason: `probe failed: ${(e as Error)?.message ?? e}` };
    }
  });
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n++;
    else if (c >= 0xd800 && c < 0xdc00) (n += 2), i++; // a surrogate pair: 2 UTF-16 units, 4 bytes
    else n += 2;
  }
  return n;
}

function byteLength(d: BinaryData): number {
  return d instanceof ArrayBuffer || ArrayBuffer.isView(d) ? d.byteLength : d.size;
}

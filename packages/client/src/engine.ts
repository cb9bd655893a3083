// The Engine.IO v4 session, transport-agnostic: handshake (falling back to the next transport), server-driven
// heartbeat, write buffer (maxPayload-sized batches on half-duplex transports), close. Ranking, memory and
// upgrades are not here: a strategy (transport-strategy.ts, opt-in) supplies a subclass that overrides the
// `@internal` hooks below (plan, failed attempt, opened, died), so a bundle without one carries none of it.
// @see https://github.com/socketio/engine.io-protocol#sessions  and  ../../../../shared/PROTOCOL.md §1

import type { BinaryData, EnginePacket } from "./engine-codec.js";
import { ProtocolError, TimeoutError, TransportError } from "./errors.js";
import type { RankingRow } from "./ranking.js";
import type { ProbeResult, Transport, TransportFactory, TransportName } from "./transport.js";
import { batchLength } from "./write-batch.js";

/** A handshake attempt: the transport, and how long it may hang silently before the next one is tried. */
export interface HandshakeStep {
  readonly factory: TransportFactory;
  readonly deadlineMs: number;
}

export interface HandshakeInfo {
  /** Wire name of the transport that carried the handshake. */
  readonly transport: string;
  /** The server's `upgrades` list from the open packet. */
  readonly upgrades: readonly string[];
  /** Time from opening the transport to the open packet: the live RTT measurement. */
  readonly rttMs: number;
}

/**
 * An opt-in strategy (ranking, memory, upgrades: `ranked` in transport-strategy.ts). It supplies the session class
 * itself, a subclass of Engine overriding the `@internal` hooks, so a bundle without one carries none of it.
 */
export interface EngineStrategy {
  /** The transports ranked best first for these static probes (same order as the user's transports). */
  rank(probes: readonly ProbeResult[]): RankingRow[];
  /** A session that follows this strategy. */
  session(base: string, opts: EngineOptions, h: EngineHandler): Engine;
}

export interface EngineOptions {
  readonly transports: readonly TransportFactory[];
  readonly query?: Record<string, string | number | boolean>;
  readonly withCredentials?: boolean;
  readonly extraHeaders?: Record<string, string>;
  readonly global?: typeof globalThis;
  /** Connect timeout (ms) for the whole handshake, fallbacks included (default 20000). */
  readonly timeout?: number;
}

/** The open packet's payload. */
export interface Handshake {
  sid: string;
  /** As the server sent it: unchecked here (the ranked session, which uses it, checks it). */
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
  /** The transport insight events, as the Manager emits them: `transport`, `upgrade`, `upgradeError`. */
  onEvent<K extends keyof EngineEvents>(type: K, event: EngineEvents[K]): void;
}

export interface EngineEvents {
  transport: { name: TransportName; previous: TransportName | null; reason: string };
  upgrade: { name: TransportName; previous: TransportName };
  upgradeError: { name: TransportName; error: Error };
}

/** How long a closing session may wait for its last packets (close packet included) to be written. */
const LINGER_MS = 1000;
/** A handshake that hangs this long moves on to the next candidate (the last one gets the connect timeout). */
export const HANDSHAKE_DEADLINE_MS = 10_000;

/**
 * The session without a strategy: the supported transports in the user's order, the next one on failure or after
 * HANDSHAKE_DEADLINE_MS of silence, the connect timeout over all, no upgrades. A strategy's subclass overrides
 * the `@internal` hooks (`_plan`, `_fail`, `_opened`, `_died`, and `_flush`/`_close` to hold writes while pausing).
 */
export class Engine {
  readyState: "opening" | "open" | "closed" = "opening";
  /** Session id once the handshake arrived. */
  id: string | undefined;
  handshake: Handshake | undefined;
  transport: Transport | undefined;
  /** @internal The write buffer. */
  _wb: EnginePacket[] = [];
  /** @internal The current transport's factory (its traits decide batching and Blob reading). */
  _factory!: TransportFactory;
  /** Writes held while a Blob is read for a text transport. */
  private _reading?: boolean;
  /** Before the handshake: the attempt's deadline (or the connect timeout); then the heartbeat; closing: the linger. */
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** Opening: when the connect timeout ends; open: the heartbeat deadline. */
  private _deadline!: number;
  private _queue!: HandshakeStep[];
  /** Why each transport could not open the session: unsupported, then each failed attempt. */
  private _errors: TransportError[] = [];

  constructor(
    /** Engine.IO endpoint with trailing slash: `https://host/socket.io/`. */
    readonly base: string,
    /** @internal */
    readonly _opts: EngineOptions,
    /** @internal */
    readonly _h: EngineHandler,
  ) {}

  open(): void {
    this._queue = this._plan();
    this._deadline = Date.now() + (this._opts.timeout ?? 20_000);
    this._next();
  }

  /** Queue one message packet. Callers check `alive()` first. */
  send(data: string | BinaryData): void {
    this._push({ type: "message", data });
  }

  /**
   * True when the session is open and not silently dead. Checked right before sending because timers are
   * throttled in background tabs: the heartbeat timer may not have fired although its deadline passed.
   */
  alive(): boolean {
    if (this.readyState !== "open") return false;
    if (Date.now() < this._deadline) return true;
    // Silence past the heartbeat deadline: the transport died without saying so.
    this._died(this.transport!.name);
    this._close("ping timeout");
    return false;
  }

  /** The current transport would take a packet now (nothing queued ahead, not busy). */
  writable(): boolean {
    return !!this.transport?.writable && !this._wb.length && !this._reading;
  }

  /** Close the session on purpose: what is queued and the close packet are still written, within LINGER_MS. */
  close(): void {
    this._close("forced close", undefined, this.readyState === "open");
  }

  /** @internal The static probes; an unsupported transport counts as failed already (its reason says why). */
  _probe(): ProbeResult[] {
    const t = this._opts.transports;
    const probes = probeTransports(t, this.base, this._opts.global);
    probes.forEach((p, i) => p.supported || this._errors.push(new TransportError(`${t[i]!.name}: ${p.reason}`, t[i]!.name)));
    return probes;
  }

  /** @internal The handshake attempts, in order. */
  _plan(): HandshakeStep[] {
    const probes = this._probe();
    return this._opts.transports.filter((_, i) => probes[i]!.supported).map((factory) => ({ factory, deadlineMs: HANDSHAKE_DEADLINE_MS }));
  }

  /** @internal The handshake attempt on `f` failed (`cause` a TimeoutError when it hung): on to the next. */
  _fail(f: TransportFactory, cause: Error | string | undefined): void {
    this._release();
    this._errors.push(cause instanceof TransportError ? cause : new TransportError(`${f.name}: ${(cause as Error)?.message ?? cause}`, f.name, { cause }));
    this._next();
  }

  /** @internal The session opened on `transport`; may return what to run once `open` is out (upgrades). */
  _opened(): (() => void) | void {}

  /** @internal The transport carrying the open session died (error or silence). */
  _died(_name: TransportName): void {}

  /** The next handshake attempt, or the end: every transport failed (or none was supported). */
  private _next(): void {
    const step = this._queue.shift();
    if (!step) {
      const errors = this._errors;
      const error = new TransportError(`no transport worked (${errors.map((e) => e.message).join("; ")})`, undefined, {
        errors,
        cause: errors[errors.length - 1],
      });
      // Never from inside open(): whoever opened us may not be listening yet.
      return queueMicrotask(() => this._close("transport error", error));
    }
    const f = step.factory;
    const t = (this.transport = this._create(f));
    this._factory = f;
    const left = this._deadline - Date.now();
    // The last attempt, or one that would outlive the connect timeout, gets what is left of it; before that a
    // silent hang is a failure too, and the next attempt is tried.
    const last = !this._queue.length || left <= step.deadlineMs;
    this._timer = setTimeout(
      () => (last ? this._close("timeout", new TimeoutError("connect timeout")) : this._fail(f, new TimeoutError("no open packet"))),
      last ? left : step.deadlineMs,
    );
    t.open();
  }

  /**
   * @internal A transport of this session. Its events count while it is the current transport: those of one
   * not yet current (an upgrade candidate: upgrade.ts wraps its sink), dropped or superseded are ignored.
   */
  _create(f: TransportFactory): Transport {
    const o = this._opts;
    let t: Transport | undefined;
    const mine = () => !!t && t === this.transport;
    t = f.create({
      base: this.base,
      query: () => {
        const q: Record<string, string> = {};
        for (const k in o.query) q[k] = "" + o.query[k];
        q.EIO = "4";
        if (this.id) q.sid = this.id;
        return q;
      },
      withCredentials: !!o.withCredentials,
      extraHeaders: o.extraHeaders,
      maxPayload: () => this.handshake?.maxPayload ?? 1e6,
      global: o.global ?? globalThis,
      sink: {
        onOpen() {}, // what counts is what it delivers: the open packet, or (an upgrade) the probe answer
        onPacket: (p) => mine() && this.readyState !== "closed" && this._onPacket(p),
        onDrain: () => mine() && this._flush(),
        onClose: (reason, error) => {
          if (!mine()) return;
          if (this.readyState === "closed") return this._release();
          this.transport = undefined;
          if (this.readyState === "opening") return this._fail(f, error ?? reason);
          if (error) this._died(f.name);
          this._close(error ? "transport error" : "transport close", error);
        },
      },
    });
    return t;
  }

  private _onPacket(p: EnginePacket): void {
    if (this.readyState !== "opening") {
      if (p.type === "message") this._h.onMessage(p.data ?? "");
      else if (p.type === "close") this._close("transport close");
      else if (p.type === "ping") {
        this._resetPing();
        this._push({ type: "pong" });
      }
      return;
    }
    // The first packet of an Engine.IO v4 handshake is the open packet (a second one is ignored, above). A server
    // answering anything else is not one: that transport failed, and the next is tried. Ignoring it instead would
    // let an HTTP transport re-handshake in a loop until the connect timeout.
    if (p.type !== "open") return this._fail(this._factory, new ProtocolError(`${p.type} before the open packet`));
    let hs: Handshake | undefined;
    try {
      hs = JSON.parse(p.data as string) as Handshake;
    } catch {
      // reported below
    }
    if (!(hs?.sid && hs.pingInterval > 0 && hs.pingTimeout > 0)) return this._close("parse error", new ProtocolError("bad open packet"));
    if (!(hs.maxPayload > 0)) hs.maxPayload = 1e6;
    this.id = hs.sid;
    this.handshake = hs;
    this.readyState = "open";
    this._resetPing();
    const upgrade = this._opened();
    this._h.onEvent("transport", { name: this.transport!.name, previous: null, reason: "handshake" });
    if (this.readyState !== "open") return;
    this._h.onOpen(); // what it sends (CONNECT packets) is written at once: _push flushes
    if (this.readyState === "open") upgrade?.();
  }

  private _resetPing(): void {
    clearTimeout(this._timer);
    const ms = this.handshake!.pingInterval + this.handshake!.pingTimeout;
    this._deadline = Date.now() + ms;
    // When it fires, `ms` have passed even if the wall clock says otherwise (set back, or Node's timer ~1 ms early
    // against Date.now()): the deadline is taken as passed. _close clears it.
    this._timer = setTimeout(() => {
      this._deadline = 0;
      this.alive();
    }, ms);
  }

  private _push(p: EnginePacket): void {
    this._wb.push(p);
    this._flush();
  }

  /** @internal Write what is queued, if the transport takes it now; once closed and all written, let it go. */
  _flush(): void {
    const t = this.transport;
    const wb = this._wb;
    // (Nothing is queued before the handshake: callers of send() check alive(), pong and close need it open.)
    if (!t?.writable || this._reading) return;
    if (!wb.length) return this.readyState === "closed" ? this._release() : undefined;
    const traits = this._factory.traits;
    // Text transports can't carry a Blob: read it first, holding later packets so order is kept.
    const B = globalThis.Blob;
    const p = !traits.binary && B && wb.find((p) => p.data instanceof B);
    if (p) {
      this._reading = true;
      (p.data as Blob).arrayBuffer().then(
        (ab) => {
          p.data = ab;
          this._reading = false;
          this._flush();
        },
        (cause: unknown) => this._close("transport error", new TransportError("Blob read failed", t.name, { cause })),
      );
      return;
    }
    // Packets are only queued once open (send() callers check alive()), so the handshake is known here.
    const n = traits.duplex ? wb.length : batchLength(wb, this.handshake!.maxPayload);
    t.send(wb.splice(0, n));
  }

  /** @internal `linger`: write what is queued and the close packet first (within LINGER_MS). */
  _close(reason: string, error?: Error, linger?: boolean): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    clearTimeout(this._timer);
    // Lingering: released once all is written, now or on drain (by _flush), or when the timer ends it.
    if (linger) {
      this._wb.push({ type: "close" });
      this._timer = setTimeout(() => this._release(), LINGER_MS);
      this._flush();
      if (!this._wb.length && this.transport?.writable) this._release();
    } else this._release();
    this._h.onClose(reason, error);
  }

  /** Let go of the transport for good. */
  private _release(): void {
    clearTimeout(this._timer);
    const t = this.transport;
    this.transport = undefined;
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
      return { supported: false, reason: "probe threw " + e };
    }
  });
}

/** The page's origin differs from `url`'s. */
export function crossOrigin(g: typeof globalThis, url: URL): boolean {
  try {
    return !!g.location && g.location.origin !== url.origin;
  } catch {
    return true; // a location we may not read belongs to another origin
  }
}

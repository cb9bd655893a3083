// One Engine.IO session: the write buffer, the server-driven heartbeat, and the upgrade from one transport
// to a better one (probe `2probe`/`3probe`, the old transport's pending GET answered with a noop, `5` switches,
// the buffer flushed on the new one). Transports are opaque here (see transports/server-transport.ts).
// @see PROTOCOL.md §1 "Heartbeat", "Upgrade"
import { EventEmitter } from "node:events";
import type { IncomingMessage } from "node:http";
import { ProtocolError, TimeoutError, type EnginePacket } from "@omnio/client";
import type { Logger } from "../logger.js";
import type { ServerTransport, ServerTransportSink, TransportDefinition } from "./transports/server-transport.js";
import { upgradesFor } from "./transports/index.js";

export type ReadyState = "open" | "closing" | "closed";

/** Why a session ended, as engine.io names it (Socket.IO passes it on as the disconnect reason). */
export type CloseReason = "transport close" | "transport error" | "ping timeout" | "forced close" | "server shutting down" | (string & {});

export interface ConnectionTimings {
  pingInterval: number;
  pingTimeout: number;
  upgradeTimeout: number;
  /** Longest time an orderly close waits for the buffer to drain. */
  closeTimeout: number;
  maxHttpBufferSize: number;
  /** Bytes queued for a peer that doesn't read; past it the session is closed ("write buffer overflow"). */
  maxBufferedBytes: number;
}

interface Slot {
  readonly def: TransportDefinition;
  transport: ServerTransport;
  /** Probe only: `2probe` answered, the session is nudging the old transport to let go. */
  probed?: boolean;
  timer?: NodeJS.Timeout;
}

export type TransportCreator = (sink: ServerTransportSink) => ServerTransport;

export interface EngineConnectionEvents {
  message: [data: string | Buffer];
  close: [reason: CloseReason, error?: Error];
  upgrade: [transport: string];
}

export class EngineConnection extends EventEmitter<EngineConnectionEvents> {
  readyState: ReadyState = "open";
  /** The address of the peer that made the handshake. */
  readonly remoteAddress: string;
  private current: Slot;
  private probeSlot: Slot | undefined;
  private buffer: EnginePacket[] = [];
  private bufferedBytes = 0;
  private pingTimer: NodeJS.Timeout | undefined;
  private pongTimer: NodeJS.Timeout | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private closeReason: CloseReason = "forced close";

  constructor(
    /** Session id (`sid`). */
    readonly id: string,
    /** The handshake request. */
    readonly request: IncomingMessage,
    def: TransportDefinition,
    create: TransportCreator,
    private readonly enabled: readonly TransportDefinition[],
    private readonly timings: ConnectionTimings,
    private readonly logger: Logger,
  ) {
    super();
    this.remoteAddress = request.socket.remoteAddress ?? "";
    this.current = this.bind(def, create);
    this.enqueue({
      type: "open",
      data: JSON.stringify({
        sid: id,
        upgrades: this.upgrades(),
        pingInterval: timings.pingInterval,
        pingTimeout: timings.pingTimeout,
        maxPayload: timings.maxHttpBufferSize,
      }),
    });
    this.schedulePing();
  }

  /** Wire name of the transport carrying the session now. */
  get transport(): string {
    return this.current.transport.name;
  }

  /** True when a message sent now goes to the wire at once (what Socket.IO's `volatile` checks). */
  get writable(): boolean {
    return this.readyState === "open" && this.current.transport.writable;
  }

  /** Queue messages and write them as soon as the transport can (all of them in one flush). */
  send(data: string | Buffer, ...more: Array<string | Buffer>): void {
    if (this.readyState !== "open") return;
    this.enqueue({ type: "message", data }, false);
    for (const d of more) this.enqueue({ type: "message", data: d }, false);
    this.flush();
  }

  /**
   * Close the session. Orderly by default: what is queued is written first (bounded by closeTimeout).
   * `discard`: at once, dropping the queue (server shutdown).
   */
  close(discard = false): void {
    this.closeWith(discard ? "server shutting down" : "forced close", discard);
  }

  // ---- used by EngineServer to route requests -------------------------------------------------------

  /** @internal The live transport (current or probe) created from `def`, if any. */
  transportFor(def: TransportDefinition): ServerTransport | undefined {
    if (this.current.def === def) return this.current.transport;
    if (this.probeSlot?.def === def) return this.probeSlot.transport;
    return undefined;
  }

  /** @internal Why `def` may not be probed now, or undefined when it may. */
  probeRefusal(def: TransportDefinition): string | undefined {
    if (this.readyState !== "open") return "session closing";
    if (this.probeSlot) return "an upgrade is already in progress";
    if (!this.upgradesFor().includes(def)) return `cannot upgrade from ${this.current.def.name} to ${def.name}`;
    return undefined;
  }

  /** @internal Start probing `def` as an upgrade (call only when probeRefusal is undefined). */
  probe(def: TransportDefinition, create: TransportCreator): ServerTransport {
    const slot = this.bind(def, create);
    this.probeSlot = slot;
    slot.timer = setTimeout(() => {
      this.logger.warn("upgrade timed out", { sid: this.id, transport: def.name });
      this.dropProbe(slot);
    }, this.timings.upgradeTimeout);
    return slot.transport;
  }

  // ---- internals ----------------------------------------------------------------------------------

  private upgradesFor(): TransportDefinition[] {
    return upgradesFor(this.enabled, this.current.def);
  }

  private upgrades(): string[] {
    return [...new Set(this.upgradesFor().map((d) => d.wire))];
  }

  private bind(def: TransportDefinition, create: TransportCreator): Slot {
    const slot = { def } as Slot;
    slot.transport = create({
      onPacket: (packet) => this.onPacket(slot, packet),
      onDrain: () => this.onDrain(slot),
      onClose: (reason, error) => this.onTransportClose(slot, reason, error),
    });
    return slot;
  }

  private enqueue(packet: EnginePacket, flush = true): void {
    const d = packet.data;
    this.bufferedBytes += d === undefined ? 1 : typeof d === "string" ? d.length + 1 : (d as Buffer).byteLength + 1;
    this.buffer.push(packet);
    if (this.bufferedBytes > this.timings.maxBufferedBytes) {
      this.logger.warn("write buffer overflow: the peer does not read", { sid: this.id, bytes: this.bufferedBytes });
      return this.closeWith("write buffer overflow", true);
    }
    if (flush) this.flush();
  }

  private flush(): void {
    if (this.readyState === "closed" || !this.current.transport.writable) return;
    if (this.buffer.length) {
      const packets = this.buffer;
      this.buffer = [];
      this.bufferedBytes = 0;
      this.current.transport.send(packets);
    }
    if (this.readyState === "closing" && !this.buffer.length) this.current.transport.close();
  }

  private onDrain(slot: Slot): void {
    if (slot !== this.current) return;
    this.flush();
    // while a probe waits for the old transport to let go, a held GET is answered with a noop at once
    if (this.probeSlot?.probed && this.current.transport.writable) this.current.transport.send([{ type: "noop" }]);
  }

  private onPacket(slot: Slot, packet: EnginePacket): void {
    if (this.readyState === "closed") return;
    if (slot === this.probeSlot) return this.onProbePacket(slot, packet);
    if (slot !== this.current) return;
    switch (packet.type) {
      case "pong":
        clearTimeout(this.pongTimer);
        this.pongTimer = undefined;
        return this.schedulePing();
      case "message":
        if (this.readyState === "open") this.emit("message", packet.data as string | Buffer);
        return;
      case "close":
        return this.closeWith("transport close", true);
      case "noop":
        return;
      default:
        // ping (v3 direction), open, upgrade on the live transport: not Engine.IO v4
        this.logger.warn(`unexpected ${packet.type} packet`, { sid: this.id, transport: this.transport });
        return this.closeWith("transport error", true, new ProtocolError(`Engine.IO: unexpected ${packet.type} packet from the client`));
    }
  }

  private onProbePacket(slot: Slot, packet: EnginePacket): void {
    if (packet.type === "ping" && packet.data === "probe" && !slot.probed) {
      slot.probed = true;
      slot.transport.send([{ type: "pong", data: "probe" }]);
      this.onDrain(this.current);
    } else if (packet.type === "upgrade" && slot.probed) {
      this.completeUpgrade(slot);
    } else {
      this.logger.warn(`invalid ${packet.type} packet during upgrade`, { sid: this.id, transport: slot.def.name });
      this.dropProbe(slot);
    }
  }

  private completeUpgrade(slot: Slot): void {
    clearTimeout(slot.timer);
    this.probeSlot = undefined;
    const old = this.current;
    this.current = slot;
    if (old.transport.writable) old.transport.send([{ type: "noop" }]);
    old.transport.close({ discard: true });
    this.logger.debug("upgraded", { sid: this.id, from: old.def.name, to: slot.def.name });
    this.emit("upgrade", slot.transport.name);
    this.flush();
  }

  private dropProbe(slot: Slot): void {
    if (this.probeSlot !== slot) return;
    clearTimeout(slot.timer);
    this.probeSlot = undefined;
    slot.transport.close({ discard: true });
  }

  private onTransportClose(slot: Slot, reason: string, error?: Error): void {
    if (slot === this.probeSlot) {
      this.logger.warn(`upgrade failed: ${reason}`, { sid: this.id, transport: slot.def.name, error });
      return this.dropProbe(slot);
    }
    if (slot !== this.current || this.readyState === "closed") return;
    if (error) {
      this.logger.warn(reason, { sid: this.id, transport: slot.def.name, error });
      return this.finalize("transport error", error);
    }
    this.finalize(this.readyState === "closing" ? this.closeReason : "transport close");
  }

  private schedulePing(): void {
    clearTimeout(this.pingTimer);
    this.pingTimer = setTimeout(() => {
      this.enqueue({ type: "ping" });
      this.pongTimer ??= setTimeout(() => {
        this.logger.warn("ping timeout", { sid: this.id, transport: this.transport });
        this.closeWith("ping timeout", true, new TimeoutError(`Engine.IO: no pong from session ${this.id} within ${this.timings.pingTimeout} ms`));
      }, this.timings.pingTimeout);
    }, this.timings.pingInterval);
  }

  private closeWith(reason: CloseReason, discard: boolean, error?: Error): void {
    if (this.readyState === "closed") return;
    if (this.readyState === "closing" && !discard) return;
    this.readyState = "closing";
    this.closeReason = reason;
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    if (discard) return this.finalize(reason, error);
    // orderly: flush() closes the transport once the buffer is written (an upgrade under way may finish first:
    // the peer may have switched already and be reading only the new transport); closeTimeout bounds it all
    this.closeTimer = setTimeout(() => this.closeWith(reason, true), this.timings.closeTimeout);
    this.flush();
  }

  private finalize(reason: CloseReason, error?: Error): void {
    if (this.readyState === "closed") return;
    this.readyState = "closed";
    clearTimeout(this.pingTimer);
    clearTimeout(this.pongTimer);
    clearTimeout(this.closeTimer);
    if (this.probeSlot) this.dropProbe(this.probeSlot);
    this.current.transport.close({ discard: true });
    this.buffer = [];
    this.bufferedBytes = 0;
    this.logger.debug("session closed", { sid: this.id, reason });
    this.emit("close", reason, error);
  }
}

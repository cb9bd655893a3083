// The Socket.IO side of one Engine.IO connection: decodes its messages, multiplexes namespaces over it,
// closes it when no CONNECT arrives within connectTimeout or when a packet is malformed ("parse error").
// @see PROTOCOL.md §2
import { parse as parseQuery, type ParsedUrlQuery } from "node:querystring";
import { CONNECT, CONNECT_ERROR, ProtocolError, SocketDecoder, encodeSocketPacket, type SocketPacket } from "@omnio/client";
import type { EngineConnection } from "../engine/engine-connection.js";
import type { Server } from "./server.js";
import type { DisconnectReason, Socket } from "./socket.js";

export class Client {
  readonly query: ParsedUrlQuery;
  /** Connected sockets by namespace name. */
  private readonly sockets = new Map<string, Socket>();
  /** Namespaces whose CONNECT is in the middlewares. */
  private readonly connecting = new Set<string>();
  private readonly decoder = new SocketDecoder();
  /** Bytes of attachments held for the binary packet being assembled (bounded: see onData). */
  private pendingBytes = 0;
  private connectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly server: Server,
    readonly conn: EngineConnection,
  ) {
    const url = conn.request.url ?? "";
    this.query = parseQuery(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
    conn.on("message", (data) => this.onData(data));
    conn.on("close", (reason) => this.onClose(reason));
    this.connectTimer = setTimeout(() => {
      if (this.sockets.size) return;
      server.logger.warn(`no namespace CONNECT within connectTimeout (${server.connectTimeout} ms)`, { sid: conn.id });
      conn.close();
    }, server.connectTimeout);
  }

  /** @internal Encode and write one packet to the peer. */
  writePacket(packet: SocketPacket, volatile?: boolean): void {
    this.writeFrames(encodeSocketPacket(packet) as Array<string | Buffer>, volatile);
  }

  /** @internal Write already encoded frames (a text frame, then its attachments) as one unit. */
  writeFrames(frames: Array<string | Buffer>, volatile?: boolean): void {
    if (this.conn.readyState !== "open") return;
    if (volatile && !this.conn.writable) return;
    this.conn.send(frames[0]!, ...frames.slice(1));
  }

  /** @internal Every namespace says goodbye, then the connection closes (queued packets written first). */
  disconnectAll(): void {
    for (const socket of [...this.sockets.values()]) socket.disconnect();
    this.conn.close();
  }

  /** @internal */
  remove(socket: Socket): void {
    if (this.sockets.get(socket.nsp.name) === socket) this.sockets.delete(socket.nsp.name);
  }

  private onData(data: string | Buffer): void {
    let packet: SocketPacket | undefined;
    try {
      // each attachment is ≤ maxHttpBufferSize, but a header may announce thousands: cap what one packet holds
      if (typeof data !== "string" && (this.pendingBytes += data.length) > this.server.engine.options.maxBufferedBytes)
        throw new ProtocolError(`Socket.IO: attachments of one packet exceed ${this.server.engine.options.maxBufferedBytes} bytes`);
      packet = this.decoder.add(data);
      if (!this.decoder.awaitingAttachments) this.pendingBytes = 0;
    } catch (error) {
      this.pendingBytes = 0;
      this.server.logger.warn("malformed Socket.IO packet: closing the connection", { sid: this.conn.id, error });
      this.closeAll("parse error");
      this.conn.close(true);
      return;
    }
    if (!packet) return;
    if (packet.type === CONNECT) return this.onConnect(packet);
    const socket = this.sockets.get(packet.nsp);
    if (socket) socket.onPacket(packet);
    else this.server.logger.warn(`packet for namespace ${packet.nsp}, which this client has not joined`, { sid: this.conn.id, type: packet.type });
  }

  private onConnect(packet: SocketPacket): void {
    const name = packet.nsp;
    const nsp = this.server.namespaces.get(name);
    if (!nsp) {
      this.server.logger.warn(`CONNECT to unknown namespace ${name}`, { sid: this.conn.id });
      return this.writePacket({ type: CONNECT_ERROR, nsp: name, data: { message: "Invalid namespace" } });
    }
    if (this.sockets.has(name) || this.connecting.has(name)) {
      this.server.logger.warn(`second CONNECT to ${name} ignored`, { sid: this.conn.id });
      return;
    }
    this.connecting.add(name);
    nsp.connect(this, (packet.data as Record<string, unknown> | undefined) ?? {}, (socket) => {
      this.connecting.delete(name);
      if (!socket) return;
      clearTimeout(this.connectTimer);
      this.sockets.set(name, socket);
    });
  }

  private closeAll(reason: DisconnectReason): void {
    for (const socket of [...this.sockets.values()]) socket.onClose(reason);
    this.sockets.clear();
  }

  private onClose(reason: DisconnectReason): void {
    clearTimeout(this.connectTimer);
    this.closeAll(reason);
    this.decoder.reset();
  }
}

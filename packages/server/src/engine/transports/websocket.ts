// WebSocket, server side: one Engine.IO packet per frame, binary messages as raw binary frames. Framing is
// `ws`'s (never hand-written RFC 6455). `binary: false` makes the text-only variant (flashsocket's bridge
// sends and accepts text frames only: binary then goes as `b<base64>`). @see PROTOCOL.md §1 "WebSocket", §6
import type { WebSocket, RawData } from "ws";
import { ProtocolError, TransportError, decodePacket, encodePacket, type EnginePacket } from "@omnio/client";
import type { ServerTransport, TransportInit, WebSocketTransportDefinition } from "./server-transport.js";

export interface WebSocketTransportOptions {
  /** Wire name; "websocket" by default. */
  name?: string;
  /** Send binary messages as binary frames (default true); false: `b<base64>` text frames. */
  binary?: boolean;
}

export class WebSocketTransport implements ServerTransport {
  readonly name: string;
  private readonly binary: boolean;
  /** Writes handed to `ws` whose callback has not fired yet: not writable meanwhile (like engine.io). */
  private inFlight = 0;
  private closed = false;
  private readonly socket: WebSocket;

  constructor(
    private readonly init: TransportInit & { readonly socket: WebSocket },
    options: WebSocketTransportOptions = {},
  ) {
    this.name = options.name ?? "websocket";
    this.binary = options.binary ?? true;
    this.socket = init.socket;
    this.socket.on("message", (data, isBinary) => this.onMessage(data, isBinary));
    this.socket.on("error", (error) =>
      this.finish("websocket error", new TransportError(`WebSocket of session ${init.sid} failed`, this.name, { cause: error })),
    );
    this.socket.on("close", (code, reason) =>
      this.finish(`websocket closed by the peer (code ${code}${reason.length ? ", " + reason.toString() : ""})`),
    );
  }

  get writable(): boolean {
    return !this.closed && this.inFlight === 0 && this.socket.readyState === this.socket.OPEN;
  }

  send(packets: EnginePacket[]): void {
    if (this.closed) return;
    for (const packet of packets) {
      const frame = encodePacket(packet, this.binary);
      this.inFlight++;
      this.socket.send(frame as string | Buffer | ArrayBuffer | Uint8Array, (error) => {
        this.inFlight--;
        // a failed write is followed by the socket's "error"/"close", which end the transport
        if (!error && this.inFlight === 0 && !this.closed) this.init.sink.onDrain();
      });
    }
  }

  close(options?: { discard?: boolean }): void {
    if (this.closed) return;
    // `ws` completes the closing handshake or destroys the socket after its own bounded timeout
    if (options?.discard) this.socket.terminate();
    else this.socket.close(1000);
    this.finish("transport closed");
  }

  private onMessage(data: RawData, isBinary: boolean): void {
    if (this.closed) return;
    let packet: EnginePacket;
    if (isBinary) {
      if (!this.binary) return this.protocolError("binary frame on a text-only transport", new ProtocolError(`${this.name}: binary frame not allowed`), 1003);
      const bytes = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
      packet = { type: "message", data: bytes };
    } else {
      try {
        packet = decodePacket(data.toString(), "nodebuffer");
      } catch (error) {
        return this.protocolError("malformed packet in a WebSocket frame", error as Error, 1002);
      }
    }
    this.init.sink.onPacket(packet);
  }

  private protocolError(reason: string, error: Error, code: number): void {
    this.socket.close(code);
    this.finish(reason, error);
  }

  private finish(reason: string, error?: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.init.sink.onClose(reason, error);
  }
}

export const websocketDefinition: WebSocketTransportDefinition = {
  name: "websocket",
  wire: "websocket",
  kind: "websocket",
  handshake: true,
  rank: 100,
  create: (init) => new WebSocketTransport(init),
};

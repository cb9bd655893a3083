// The server-side transport contract: what the Engine.IO session (EngineConnection) expects from each way of
// carrying packets. A new transport (xhr-multipart, htmlfile, jsonp, flashsocket) is one new file implementing
// `ServerTransport` plus one `TransportDefinition` added to the registry (./index.ts); the session and the
// server never name a transport. @see ../../../../../shared/PROTOCOL.md §1, §3–6
import type { IncomingMessage, ServerResponse } from "node:http";
import type { WebSocket } from "ws";
import type { EnginePacket } from "@omnio/client";
import type { Logger } from "../../logger.js";
import type { CorsOptions } from "../cors.js";

/** How a transport reports to its session. Calls after the session let go of the transport are ignored. */
export interface ServerTransportSink {
  /** One decoded packet from the peer, in wire order. */
  onPacket(packet: EnginePacket): void;
  /** `writable` became true (a GET is waiting, a WebSocket write completed): the session flushes its buffer. */
  onDrain(): void;
  /**
   * The transport is gone, once. `error` is set when it failed (protocol error, peer vanished, overlap,
   * oversized body) — the session then closes with "transport error"; absent for an orderly end.
   */
  onClose(reason: string, error?: Error): void;
}

/** A live transport bound to one session. */
export interface ServerTransport {
  /** Wire name (`transport=` value): "polling", "websocket", … */
  readonly name: string;
  /** True when `send()` now reaches the wire without waiting (volatile packets are dropped otherwise). */
  readonly writable: boolean;
  /** Write these packets (the session calls only while `writable`; a transport may still queue them). */
  send(packets: EnginePacket[]): void;
  /**
   * End the transport. Orderly (default): tell the peer (`1` close packet on polling) and call
   * `sink.onClose` when done, within a bounded time. `discard: true` (upgraded away, server shutdown):
   * release everything now, answering any pending request harmlessly.
   */
  close(options?: { discard?: boolean }): void;
}

/** A transport reached by plain HTTP requests (polling, jsonp, xhr-multipart, htmlfile). */
export interface HttpServerTransport extends ServerTransport {
  /**
   * Every request of this session on this transport (GET, POST; the first one too). CORS headers are
   * already set on `res`; `query` is the parsed URL query.
   */
  handleRequest(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void;
}

/** Everything a transport gets when it is created. */
export interface TransportInit {
  /** Session id (for log context). */
  readonly sid: string;
  /** The request that created it: the handshake, the first request of a probe, or the WebSocket upgrade. */
  readonly req: IncomingMessage;
  readonly query: URLSearchParams;
  readonly sink: ServerTransportSink;
  /** Largest request body / WebSocket message accepted, in bytes (advertised as `maxPayload`). */
  readonly maxHttpBufferSize: number;
  /** How long an orderly close may wait for the peer (e.g. the next GET to carry the close packet). */
  readonly closeTimeout: number;
  readonly logger: Logger;
  /** The server's `cors` option: htmlfile checks the page origin it will postMessage to against it. */
  readonly cors?: CorsOptions | undefined;
}

interface TransportDefinitionBase {
  /** Name in the server's `transports` option (and in logs), unique: "polling", "jsonp", "websocket"… */
  readonly name: string;
  /** Value of `transport=` on the wire. Several definitions may share it (jsonp is `polling` with `j`). */
  readonly wire: string;
  /** For definitions sharing a wire name: does this request belong to this one? (jsonp: has `j`.) */
  matches?(query: URLSearchParams): boolean;
  /** A request without `sid` may open a session on it. */
  readonly handshake: boolean;
  /**
   * Higher is better. A session advertises (`upgrades`) and accepts as probes the enabled transports ranked
   * above its own, with another wire name.
   */
  readonly rank: number;
}

export interface HttpTransportDefinition extends TransportDefinitionBase {
  readonly kind: "http";
  create(init: TransportInit): HttpServerTransport;
}

export interface WebSocketTransportDefinition extends TransportDefinitionBase {
  readonly kind: "websocket";
  /** `socket` has completed the WebSocket handshake (the server did it with `ws`). */
  create(init: TransportInit & { readonly socket: WebSocket }): ServerTransport;
}

export type TransportDefinition = HttpTransportDefinition | WebSocketTransportDefinition;

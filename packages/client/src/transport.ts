// The transport contract: what every transport package implements and what the Engine.IO session expects.
// A transport package imports only this contract (and codec helpers) from @omnio/client; nothing in the
// client imports a transport. @see ../../../../shared/DESIGN.md "Transport contract"

import type { EnginePacket } from "./engine-codec.js";

/** Names used by `transports: [...]`, `socket.io.transport` and `ranking()`. */
export type TransportName = "websocket" | "flashsocket" | "xhr-multipart" | "htmlfile" | "polling" | "jsonp";

export interface TransportTraits {
  /** Both directions over one long-lived connection (websocket, flashsocket). */
  readonly duplex: boolean;
  /** The server pushes over a held response without a new request per batch (xhr-multipart, htmlfile). */
  readonly streaming: boolean;
  /** Carries binary frames as such; otherwise binary travels as `b<base64>`. */
  readonly binary: boolean;
  /** What a cross-origin server needs: CORS headers, nothing (jsonp), postMessage (htmlfile), a bridge grant. */
  readonly crossOrigin: "cors" | "none" | "postMessage" | "bridge";
  /** Can open an Engine.IO session itself (a request without `sid` answers the open packet). */
  readonly handshake: boolean;
  /**
   * Time the transport may need before its first byte can go out (e.g. loading a Flash bridge under Ruffle),
   * added to its probe deadlines so that a slow start is not taken for a hang. Default 0.
   */
  readonly startupMs?: number;
}

/** What `probe()` may look at. It must not construct anything or touch the network. */
export interface ProbeEnv {
  /** The Engine.IO endpoint, e.g. `https://example.com/socket.io/`. */
  readonly url: URL;
  /** True when `url`'s origin differs from the page's (always false outside a page). */
  readonly crossOrigin: boolean;
  /** The global object to feature-detect on (`globalThis` unless a test passes a fake). */
  readonly global: typeof globalThis;
}

export interface ProbeResult {
  readonly supported: boolean;
  /** Why, in a few words: "WebSocket constructor present", "no XMLHttpRequest or fetch"... */
  readonly reason: string;
}

/** How a transport reports to the session. Calls after `close()` are ignored by the session. */
export interface TransportSink {
  /** The transport can carry packets (for a handshake: the open packet follows through onPacket). */
  onOpen(): void;
  /** One decoded Engine.IO packet, in wire order. */
  onPacket(packet: EnginePacket): void;
  /** Everything handed to `send()` has been written; `writable` is true again. */
  onDrain(): void;
  /** The transport is gone. `error` is set when it was not asked to close. */
  onClose(reason: string, error?: Error): void;
}

/** Handed to `create()` by the session. */
export interface TransportContext {
  /** Engine.IO endpoint with trailing slash, http(s): e.g. `https://example.com/socket.io/`. */
  readonly base: string;
  /**
   * The query every request carries: `EIO=4`, `sid` once known, and the user's `query` option.
   * The transport adds `transport=<wire name>` (and its own keys such as `j`, `t`).
   */
  query(): Record<string, string>;
  readonly withCredentials: boolean;
  /** Extra request headers where the transport can set them (Node, XHR); browsers ignore forbidden ones. */
  readonly extraHeaders?: Record<string, string>;
  /** Largest payload the server accepts in one request (from the handshake; 1e6 before it). */
  maxPayload(): number;
  readonly global: typeof globalThis;
  readonly sink: TransportSink;
}

/** A live transport instance: public methods guard state, the sink receives events. */
export interface Transport {
  readonly name: TransportName;
  /** True when `send()` may be called now (half-duplex transports are busy while a POST is in flight). */
  readonly writable: boolean;
  open(): void;
  send(packets: EnginePacket[]): void;
  /** Close on purpose: no `onClose` error, every timer, listener, request and DOM node released. */
  close(): void;
  /** Polling-style transports: finish the pending GET and POST, then call `onPaused` (for upgrade-away). */
  pause?(onPaused: () => void): void;
}

export interface TransportFactory {
  readonly name: TransportName;
  readonly traits: TransportTraits;
  probe(env: ProbeEnv): ProbeResult;
  create(context: TransportContext): Transport;
}

/** Build `base?k=v&…` with the given query. */
export function buildUrl(base: string, query: Record<string, string>): string {
  let s = "";
  for (const k in query) s += (s ? "&" : "") + encodeURIComponent(k) + "=" + encodeURIComponent(query[k]!);
  return s ? base + (base.includes("?") ? "&" : "?") + s : base;
}

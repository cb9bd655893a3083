// @omnio/websocket: the WebSocket transport factory. Nothing runs at import time.
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

import type { TransportFactory, TransportTraits } from "@omnio/client";
import type { WebSocketConstructor } from "./websocket-like.js";
import { createWebSocketTransport } from "./websocket-transport.js";

export type {
  WebSocketConstructor,
  WebSocketLike,
  WebSocketCloseLike,
  WebSocketErrorLike,
  WebSocketMessageLike,
} from "./websocket-like.js";

export interface WebSocketTransportOptions {
  /** A WebSocket class to use instead of the global one (in Node 20: the `ws` package's default export). */
  WebSocket?: WebSocketConstructor;
  /** Subprotocols for the constructor's second argument. */
  protocols?: string | string[];
}

const traits: TransportTraits = {
  duplex: true,
  streaming: false,
  binary: true,
  // A WebSocket needs nothing from a cross-origin server that the client could check for: there is no
  // CORS preflight or response header to honour. The server may still refuse the Origin it sees, but that
  // is its policy, visible only by trying, not a capability to probe.
  crossOrigin: "none",
  handshake: true,
};

export function websocket(options: WebSocketTransportOptions = {}): TransportFactory {
  return {
    name: "websocket",
    traits,
    probe({ global }) {
      const reason = options.WebSocket ? "WebSocket from options" : global.WebSocket ? "global WebSocket present" : "";
      return { supported: !!reason, reason: reason || "no global WebSocket" };
    },
    create: (context) => createWebSocketTransport(context, options),
  };
}

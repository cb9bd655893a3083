// Flash socket, server side: a WebSocket endpoint (framing by `ws`) at `transport=flashsocket` for clients that
// reach it through a bridge (bridge.swf under Flash Player or Ruffle, a native host). The bridge speaks text
// frames only: binary messages go out as `b<base64>` text, and a binary frame from the peer is a protocol error.
// @see ../../../../../shared/PROTOCOL.md §6
import { WebSocketTransport } from "./websocket.js";
import type { WebSocketTransportDefinition } from "./server-transport.js";

export const flashsocketDefinition: WebSocketTransportDefinition = {
  name: "flashsocket",
  wire: "flashsocket",
  kind: "websocket",
  handshake: true,
  // Duplex, so above the streaming and polling transports; below a native WebSocket, which needs no plugin.
  rank: 90,
  create: (init) => new WebSocketTransport(init, { name: "flashsocket", binary: false }),
};

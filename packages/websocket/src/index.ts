// @omnio/websocket: the WebSocket transport factory. Nothing runs at import time.
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

export { websocket, type WebSocketTransportOptions } from "./websocket-transport.js";
export type {
  WebSocketConstructor,
  WebSocketLike,
  WebSocketCloseLike,
  WebSocketErrorLike,
  WebSocketMessageLike,
} from "./websocket-like.js";

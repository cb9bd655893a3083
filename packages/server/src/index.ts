// @omnio/server: the reference Node server. Two layers as socket.io stands on engine.io: `EngineServer`
// (Engine.IO v4 sessions over pluggable transports) and `Server` (Socket.IO v5 namespaces, rooms, acks).
export { EngineServer, type EngineServerEvents, type ConnectionErrorInfo } from "./engine/engine-server.js";
export { EngineConnection, type EngineConnectionEvents, type CloseReason, type ReadyState } from "./engine/engine-connection.js";
export type { EngineServerOptions } from "./engine/options.js";
export type { CorsOptions, CorsOrigin } from "./engine/cors.js";
export { ErrorCode, ERROR_MESSAGES } from "./engine/http-errors.js";
export type { Logger } from "./logger.js";
export {
  TRANSPORTS,
  PollingTransport,
  WebSocketTransport,
  pollingDefinition,
  websocketDefinition,
  type WebSocketTransportOptions,
  type ServerTransport,
  type ServerTransportSink,
  type HttpServerTransport,
  type TransportInit,
  type TransportDefinition,
  type HttpTransportDefinition,
  type WebSocketTransportDefinition,
} from "./engine/transports/index.js";
export { flashsocketDefinition } from "./engine/transports/flashsocket.js";
export { policyDocument, policyDomains, POLICY_REQUEST, DEFAULT_FLASH_POLICY_PORT, type PolicyGrant } from "./flash-policy.js";
export { FLASH_PROXY, type FlashAttachment } from "./flash.js";
export { Server, type ServerOptions } from "./socket/server.js";
export { Namespace, type Middleware, type MiddlewareError } from "./socket/namespace.js";
export { Socket, type Handshake, type DisconnectReason } from "./socket/socket.js";
export { BroadcastOperator, type BroadcastFlags } from "./socket/broadcast-operator.js";
export { RoomAdapter } from "./socket/room-adapter.js";

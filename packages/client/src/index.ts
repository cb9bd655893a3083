export { OmnioError, TransportError, TimeoutError, ProtocolError, isOmnioError } from "./errors.js";
export type { OmnioErrorOptions } from "./errors.js";
export { buildUrl } from "./transport.js";
export type {
  TransportName,
  TransportTraits,
  ProbeEnv,
  ProbeResult,
  TransportSink,
  TransportContext,
  Transport,
  TransportFactory,
} from "./transport.js";
export type { BinaryData, EnginePacket, EnginePacketType } from "./engine-codec.js";
export { httpSend, cacheBuster, type HttpRequest, type HttpStatusFailure, type HttpDone } from "./http-send.js";
export { encodePacket, decodePacket, encodePayload, decodePayload, isBinary, SEPARATOR } from "./engine-codec.js";
export type { BinaryType } from "./engine-codec.js";
export {
  CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK,
  encodeSocketPacket, SocketDecoder, isReservedEvent,
} from "./socket-codec.js";
export type { SocketPacket, SocketPacketType, SocketDecoderOptions } from "./socket-codec.js";

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
export { HttpTransport, cacheBuster, type HttpPostDone, type HttpTransportState } from "./http-transport.js";
export { FetchTransport, type HttpStatusFailure } from "./fetch-transport.js";
export { encodePacket, decodePacket, encodePayload, decodePayload, isBinary, SEPARATOR } from "./engine-codec.js";
export { encodeFrame, decodeFrame } from "./engine-codec.js";
export type { BinaryType } from "./engine-codec.js";
export {
  CONNECT, DISCONNECT, EVENT, ACK, CONNECT_ERROR, BINARY_EVENT, BINARY_ACK,
  encodeSocketPacket, SocketDecoder, isReservedEvent,
} from "./socket-codec.js";
export type { SocketPacket, SocketPacketType } from "./socket-codec.js";
export { rankTransports, isRankedDown, DEFAULT_TRANSPORT_ORDER, HEALTHY_SCORE, RETRY_AFTER_MS } from "./ranking.js";
export type { RankingRow, RankingCandidate, RankingContext } from "./ranking.js";
export { createTransportMemory, memoryKey, MEMORY_STORAGE_KEY, MEMORY_TTL_MS, MEMORY_ORIGIN_LIMIT } from "./transport-memory.js";
export type { TransportMemory, TransportMemoryOptions, TransportOutcome, MemoryRecord, MemoryRecords } from "./transport-memory.js";
export { connect, type ConnectOptions } from "./connect.js";
export { Manager, type ManagerOptions, type ManagerEvents, type TransportEvent } from "./manager.js";
export {
  Socket,
  type SocketOptions,
  type SocketReservedEvents,
  type Auth,
  type AuthData,
  type ConnectError,
  type DecorateAcknowledgements,
} from "./socket.js";
export type { EventsMap, DefaultEventsMap, EventNames, EventParams } from "./emitter.js";
export {
  Engine,
  probeTransports,
  HANDSHAKE_DEADLINE_MS,
  type EngineOptions,
  type EngineHandler,
  type EngineStrategy,
  type Handshake,
  type HandshakeInfo,
  type HandshakeStep,
} from "./engine.js";
export {
  ranked,
  planSteps,
  probeDeadline,
  MIN_SESSION_PROBE_DEADLINE_MS,
  MAX_PROBE_DEADLINE_MS,
  DEFAULT_PROBE_DEADLINE_MS,
  type TransportStrategy,
  type TransportStrategyOptions,
} from "./transport-strategy.js";
export { runUpgrades, type UpgradeRecord } from "./upgrade.js";
export { backoffDelay } from "./backoff.js";

// Engine.IO v4 packet and payload codec. @see https://github.com/socketio/engine.io-protocol (v4)
// (types only so far; the codec lands with issue 2)

export type BinaryData = ArrayBuffer | ArrayBufferView | Blob;

export type EnginePacketType = "open" | "close" | "ping" | "pong" | "message" | "upgrade" | "noop";

export interface EnginePacket {
  type: EnginePacketType;
  data?: string | BinaryData;
}

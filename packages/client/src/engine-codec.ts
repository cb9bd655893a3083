// Engine.IO v4 packet and payload codec: `<digit><data>` text packets, `b<base64>` binary on text-only
// transports, raw binary frames on WebSocket, `\x1e`-joined payloads for polling-style transports.
// @see https://github.com/socketio/engine.io-protocol#protocol (v4)

import { ProtocolError } from "./errors.js";
import { fromBase64, toBase64 } from "./base64.js";

export type BinaryData = ArrayBuffer | ArrayBufferView | Blob;

export type EnginePacketType = "open" | "close" | "ping" | "pong" | "message" | "upgrade" | "noop";

export interface EnginePacket {
  type: EnginePacketType;
  data?: string | BinaryData;
}

/**
 * How decoded binary is handed out: `arraybuffer` (browsers, the default) or `nodebuffer` (a Node `Buffer`,
 * which the server wants).
 */
export type BinaryType = "arraybuffer" | "nodebuffer";

/** The record separator that joins packets in a polling payload. */
export const SEPARATOR = "\x1e";

const TYPES: readonly EnginePacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

/** True for ArrayBuffer, any ArrayBufferView (Node Buffer included) and Blob where it exists. */
export const isBinary = (value: unknown): value is BinaryData =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (typeof Blob === "function" && value instanceof Blob);

/**
 * Encode one packet for a transport that carries binary frames (WebSocket): binary data goes out raw. The
 * session builds the packets, so the type is known and only messages carry binary.
 */
export function encodeFrame({ type, data = "" }: EnginePacket): string | BinaryData {
  return typeof data === "string" ? TYPES.indexOf(type) + data : data;
}

/**
 * Encode one packet for a transport. Binary data goes out raw when `supportsBinary` (WebSocket), otherwise as
 * `b<base64>`. A Blob cannot be read synchronously, so for a text-only transport the caller reads it into an
 * ArrayBuffer first (the session does so before any transport without `binary` gets it; a Blob here would
 * encode as no bytes).
 */
export function encodePacket(packet: EnginePacket, supportsBinary: boolean): string | BinaryData {
  const frame = encodeFrame(packet);
  return supportsBinary || typeof frame == "string" ? frame : "b" + toBase64(frame as ArrayBuffer | ArrayBufferView);
}

/**
 * Decode one frame of a transport that carries binary frames (WebSocket): a text packet or a raw binary message.
 * No `b<base64>` here: a server sends binary raw on such a transport, and leaving base64 out keeps it out of
 * WebSocket-only bundles. Throws ProtocolError on anything malformed.
 */
export function decodeFrame(data: string | ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): EnginePacket {
  if (typeof data !== "string") return { type: "message", data: toBinary(data, binaryType) };
  const type = TYPES[data.charCodeAt(0) - 48];
  if (!type) throw new ProtocolError("Bad Engine.IO packet: " + (data ? `unknown type "${data[0]}"` : "empty"));
  return data.length > 1 ? { type, data: data.slice(1) } : { type };
}

/**
 * Decode one packet: a text packet (`4hello`, `b<base64>`) or a raw binary frame (a message). Throws
 * ProtocolError on anything malformed.
 */
export function decodePacket(data: string | ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): EnginePacket {
  return typeof data === "string" && data[0] === "b"
    ? { type: "message", data: toBinary(fromBase64(data, 1), binaryType) }
    : decodeFrame(data, binaryType);
}

/** Join packets into a polling payload; binary always travels as base64 there. */
export function encodePayload(packets: EnginePacket[]): string {
  return packets.map((packet) => encodePacket(packet, false)).join(SEPARATOR);
}

/**
 * Split a polling payload into packets; a malformed one throws its ProtocolError. No size limit here: a server
 * bounds the request body as it reads it (which bounds the payload), and a client gets what the server sent.
 */
export function decodePayload(payload: string, binaryType?: BinaryType): EnginePacket[] {
  return payload.split(SEPARATOR).map((packet) => decodePacket(packet, binaryType));
}

/** Hand out received binary as the caller asked: ArrayBuffer (copying only a partial view) or Node Buffer. */
export function toBinary(data: ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): ArrayBuffer | Uint8Array {
  // (an ArrayBuffer has no `buffer` and no `byteOffset`: itself, from 0)
  const { buffer = data as ArrayBuffer, byteOffset = 0, byteLength } = data as ArrayBufferView<ArrayBuffer>;
  if (binaryType === "nodebuffer") {
    return (globalThis as unknown as { Buffer: { from(b: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer.from(buffer, byteOffset, byteLength);
  }
  return byteLength < buffer.byteLength ? buffer.slice(byteOffset, byteOffset + byteLength) : buffer;
}

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
 * which the server wants; falls back to a Uint8Array where `Buffer` does not exist).
 */
export type BinaryType = "arraybuffer" | "nodebuffer";

/** The record separator that joins packets in a polling payload. */
export const SEPARATOR = "\x1e";

const PACKET_PREFIX = "Cannot decode Engine.IO packet: ";
const TYPES: readonly EnginePacketType[] = ["open", "close", "ping", "pong", "message", "upgrade", "noop"];

/** True for ArrayBuffer, any ArrayBufferView (Node Buffer included) and Blob where it exists. */
export const isBinary = (value: unknown): value is BinaryData =>
  value instanceof ArrayBuffer || ArrayBuffer.isView(value) || (typeof Blob === "function" && value instanceof Blob);

/** Encode one packet for a transport that carries binary frames (WebSocket): binary data goes out raw. */
export function encodeFrame(packet: EnginePacket): string | BinaryData {
  const data = packet.data;
  const digit = TYPES.indexOf(packet.type);
  if (digit < 0) throw new ProtocolError(`Cannot encode Engine.IO packet: unknown type ${JSON.stringify(packet.type)}`);
  if (data === undefined) return "" + digit;
  if (typeof data === "string") return digit + data;
  if (digit !== 4) throw new ProtocolError(`Cannot encode Engine.IO packet: binary data in a "${packet.type}" packet`);
  return data;
}

/**
 * Encode one packet for a transport. Binary data goes out raw when `supportsBinary` (WebSocket), otherwise as
 * `b<base64>`. A Blob cannot be read synchronously: text-only transports must convert it to an ArrayBuffer
 * first (`await blob.arrayBuffer()`); given one here they get a ProtocolError.
 */
export function encodePacket(packet: EnginePacket, supportsBinary: boolean): string | BinaryData {
  const frame = encodeFrame(packet);
  if (supportsBinary || typeof frame === "string") return frame;
  if (frame instanceof ArrayBuffer) return "b" + toBase64(new Uint8Array(frame));
  if (ArrayBuffer.isView(frame)) return "b" + toBase64(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
  throw new ProtocolError("Cannot encode Engine.IO packet: a Blob needs a binary transport (convert it to an ArrayBuffer)");
}

/**
 * Decode one frame of a transport that carries binary frames (WebSocket): a text packet or a raw binary message.
 * No `b<base64>` here: a server sends binary raw on such a transport, and leaving base64 out keeps it out of
 * WebSocket-only bundles. Throws ProtocolError on anything malformed.
 */
export function decodeFrame(data: string | ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): EnginePacket {
  if (typeof data !== "string") {
    if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return { type: "message", data: toBinary(data, binaryType) };
    throw new ProtocolError(`${PACKET_PREFIX}unsupported frame of type ${typeof data}`);
  }
  const type = TYPES[data.charCodeAt(0) - 48];
  if (type === undefined) throw new ProtocolError(PACKET_PREFIX + (data ? `unknown type ${JSON.stringify(data[0])} at byte 0` : "empty string"));
  return data.length > 1 ? { type, data: data.slice(1) } : { type };
}

/**
 * Decode one packet: a text packet (`4hello`, `b<base64>`) or a raw binary frame (a message). Throws
 * ProtocolError on anything malformed.
 */
export function decodePacket(data: string | ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): EnginePacket {
  if (typeof data === "string" && data.charCodeAt(0) === 98) {
    try {
      return { type: "message", data: toBinary(fromBase64(data, 1), binaryType) };
    } catch (error) {
      throw new ProtocolError(PACKET_PREFIX + (error as Error).message, { cause: error });
    }
  }
  return decodeFrame(data, binaryType);
}

/** Join packets into a polling payload; binary always travels as base64 there. */
export function encodePayload(packets: EnginePacket[]): string {
  let out = "";
  for (let i = 0; i < packets.length; i++) out += (i ? SEPARATOR : "") + (encodePacket(packets[i]!, false) as string);
  return out;
}

/**
 * Split a polling payload into packets. `maxPayload` (characters) rejects oversized payloads before any work.
 * Errors name the packet index and its byte offset in the payload.
 */
export function decodePayload(payload: string, binaryType?: BinaryType, maxPayload?: number): EnginePacket[] {
  if (maxPayload !== undefined && payload.length > maxPayload) {
    throw new ProtocolError(`Cannot decode Engine.IO payload: ${payload.length} bytes exceed maxPayload ${maxPayload}`);
  }
  const packets: EnginePacket[] = [];
  let start = 0;
  for (;;) {
    const end = payload.indexOf(SEPARATOR, start);
    const chunk = end < 0 ? payload.slice(start) : payload.slice(start, end);
    try {
      packets.push(decodePacket(chunk, binaryType));
    } catch (error) {
      throw new ProtocolError(
        `Cannot decode Engine.IO payload: packet ${packets.length} (at byte ${start}): ${(error as Error).message.replace(PACKET_PREFIX, "")}`,
        { cause: error },
      );
    }
    if (end < 0) return packets;
    start = end + 1;
  }
}

/** Hand out received binary as the caller asked: ArrayBuffer (copying only a partial view) or Node Buffer. */
export function toBinary(data: ArrayBuffer | ArrayBufferView, binaryType?: BinaryType): ArrayBuffer | Uint8Array {
  const whole = data instanceof ArrayBuffer;
  const buffer = whole ? data : (data.buffer as ArrayBuffer);
  const offset = whole ? 0 : data.byteOffset;
  const length = data.byteLength;
  if (binaryType === "nodebuffer") {
    const NodeBuffer = (globalThis as { Buffer?: { isBuffer(v: unknown): boolean; from(b: ArrayBuffer, o: number, l: number): Uint8Array } }).Buffer;
    if (NodeBuffer?.isBuffer(data)) return data as Uint8Array;
    return NodeBuffer ? NodeBuffer.from(buffer, offset, length) : new Uint8Array(buffer, offset, length);
  }
  return offset === 0 && length === buffer.byteLength ? buffer : buffer.slice(offset, offset + length);
}

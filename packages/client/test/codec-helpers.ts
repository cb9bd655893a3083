// Helpers shared by the codec tests: byte views for comparisons and a simulated wire (socket codec → engine
// codec → bytes/text → engine decode → socket decoder), binary or base64.
import { expect } from "vitest";
import {
  decodePacket,
  encodePacket,
  encodeSocketPacket,
  SocketDecoder,
  type BinaryData,
  type BinaryType,
  type SocketPacket,
} from "@omnio/client";

export const isBin = (v: unknown): v is ArrayBuffer | ArrayBufferView =>
  v instanceof ArrayBuffer || ArrayBuffer.isView(v);

export function bytes(v: ArrayBuffer | ArrayBufferView): number[] {
  return Array.from(v instanceof ArrayBuffer ? new Uint8Array(v) : new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
}

/** Replace every binary leaf by `{ bytes: [...] }` (and Blobs by their bytes, awaited) so toEqual compares content. */
export async function normalize(v: unknown): Promise<unknown> {
  if (typeof Blob === "function" && v instanceof Blob) return { bytes: bytes(await v.arrayBuffer()) };
  if (isBin(v)) return { bytes: bytes(v) };
  if (Array.isArray(v)) return Promise.all(v.map(normalize));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = await normalize(x);
    return out;
  }
  return v;
}

/** The bytes a WebSocket would deliver for a frame the engine encoder produced. */
async function onTheWire(frame: string | BinaryData): Promise<string | ArrayBuffer | ArrayBufferView> {
  if (typeof frame === "string") return frame;
  if (typeof Blob === "function" && frame instanceof Blob) return frame.arrayBuffer();
  return frame as ArrayBuffer | ArrayBufferView;
}

/** Send a SocketPacket through both codecs and back, as a transport would (Blobs converted for base64). */
export async function transmit(
  packet: SocketPacket,
  supportsBinary: boolean,
  binaryType?: BinaryType,
  decoder = new SocketDecoder(),
): Promise<SocketPacket | undefined> {
  let result: SocketPacket | undefined;
  for (let frame of encodeSocketPacket(packet)) {
    if (!supportsBinary && typeof Blob === "function" && frame instanceof Blob) frame = await frame.arrayBuffer();
    const wire = await onTheWire(encodePacket({ type: "message", data: frame }, supportsBinary));
    const enginePacket = decodePacket(wire, binaryType);
    expect(enginePacket.type).toBe("message");
    result = decoder.add(enginePacket.data as string | ArrayBuffer | ArrayBufferView);
  }
  return result;
}

/** Wait for `event` on an EventEmitter-like object, failing after `ms`. */
export function waitFor<T>(emitter: { once(e: string, f: (v: T) => void): unknown }, event: string, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "${event}" within ${ms} ms`)), ms);
    emitter.once(event, (v: T) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

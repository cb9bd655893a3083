// Base64 for text-only transports (`b<base64>` Engine.IO messages): Node's Buffer where there is one (the
// server uses this codec; it is many times faster), else btoa/atob, which every browser, worker and Node >= 16
// has. atob and Buffer are lenient (they skip whitespace, take missing padding, Buffer takes base64url too):
// bytes from the network are checked strictly first. Nothing runs at import time.

import { ProtocolError } from "./errors.js";

interface NodeBuffer {
  from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string };
  from(data: string, encoding: "base64"): Uint8Array;
}
const nodeBuffer = (): NodeBuffer | undefined => (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Standard alphabet; unpadded, or padded to whole quads. */
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let s = "";
  // Chunks keep fromCharCode's argument list far below engines' limits.
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return btoa(s);
}

/** Decode `s` from index `start` (standard alphabet, padded or not); ProtocolError if it is not strictly that. */
export function fromBase64(s: string, start = 0): Uint8Array {
  s = s.slice(start);
  if (!BASE64.test(s)) throw new ProtocolError("Bad Engine.IO packet: invalid base64");
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(s, "base64");
  const binary = atob(s);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

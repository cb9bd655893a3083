// Base64 for text-only transports (`b<base64>` Engine.IO messages): Node's Buffer where there is one (the
// server uses this codec; it is many times faster), else btoa/atob, which every browser, worker and Node >= 16
// has. What comes from the network is checked strictly (see fromBase64).
// Nothing runs at import time.

import { ProtocolError } from "./errors.js";

interface NodeBuffer {
  from(data: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string };
  from(data: string, encoding: "base64"): Uint8Array & { toString(encoding: "base64"): string };
}
const nodeBuffer = (): NodeBuffer | undefined => (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const buffer = nodeBuffer();
  if (buffer) return buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  let s = "";
  // Chunks keep fromCharCode's argument list far below engines' limits.
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return btoa(s);
}

/**
 * Decode `s` from index `start` (standard alphabet, padded or not); ProtocolError if it is not strictly that.
 * Buffer and atob are both lenient (whitespace, junk, base64url, missing or partial padding), so the check is a
 * round trip, which is fast with either: only input that encodes back the same (bar omitted padding) passes.
 */
export function fromBase64(s: string, start = 0): Uint8Array {
  s = s.slice(start);
  const buffer = nodeBuffer();
  let bytes: Uint8Array | undefined;
  let again: string | undefined;
  try {
    if (buffer) again = (bytes = buffer.from(s, "base64")).toString("base64");
    else {
      const binary = atob(s);
      again = btoa(binary);
      bytes = new Uint8Array(binary.length);
      for (let i = 0; i < bytes.length; i++) bytes[i] = binary.charCodeAt(i);
    }
  } catch {
    // atob throws on characters outside the alphabet
  }
  if (again != s && again?.replace(/=+$/, "") != s) throw new ProtocolError("Bad Engine.IO packet: invalid base64");
  return bytes!;
}

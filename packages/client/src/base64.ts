// Base64 for text-only transports (`b<base64>` Engine.IO messages): btoa/atob, which every browser, worker and
// Node >= 16 has, except that decoding takes Node's Buffer where there is one: Node's atob is ~40x slower, and
// the reference server decodes what clients post with this (encoding with btoa costs it ~3x, which is fine).
// What comes from the network is checked strictly (see fromBase64). Nothing runs at import time.

import { ProtocolError } from "./errors.js";

/** Encode the bytes of an ArrayBuffer or of a view (only the view's part of its buffer) as padded standard base64. */
export function toBase64(data: ArrayBuffer | ArrayBufferView): string {
  // (an ArrayBuffer has no `buffer` and no `byteOffset`: itself, from 0)
  const { buffer = data as ArrayBuffer, byteOffset = 0, byteLength } = data as ArrayBufferView<ArrayBuffer>;
  const bytes = new Uint8Array(buffer, byteOffset, byteLength);
  let s = "";
  // Chunks keep fromCharCode's argument list far below engines' limits (and are ~10x faster than byte by byte).
  for (let i = 0; i < byteLength; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return btoa(s);
}

/**
 * Decode `s` from index `start` (standard alphabet, padded or not); ProtocolError if it is not strictly that.
 * Buffer and atob are lenient (whitespace, junk, base64url, missing or partial padding, non-zero unused bits), so
 * the check is a round trip: only input that encodes back the same (bar omitted padding) passes.
 */
export function fromBase64(s: string, start = 0): Uint8Array {
  s = s.slice(start);
  let bytes: Uint8Array | undefined;
  try {
    const buffer = (globalThis as { Buffer?: { from(s: string, encoding: "base64"): Uint8Array } }).Buffer;
    bytes = buffer ? buffer.from(s, "base64") : Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    // atob throws on characters outside the alphabet
  }
  const again = bytes && toBase64(bytes);
  if (again != s && again?.replace(/=+$/, "") != s) throw new ProtocolError("Bad Engine.IO packet: invalid base64");
  return bytes!;
}

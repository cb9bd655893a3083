// Base64 for text-only transports (`b<base64>` Engine.IO messages): Node's Buffer where there is one (the
// reference server decodes what clients post with this, and Node clients encode with it: several times faster
// than btoa/atob there), else btoa/atob, which every browser and worker has. What comes from the network is
// checked strictly (see fromBase64). Nothing runs at import time.

import { ProtocolError } from "./errors.js";

type NodeBuffer = { from(data: ArrayBufferLike | string, offset?: number | "base64", length?: number): Uint8Array & { toString(encoding: "base64"): string } };
const nodeBuffer = (): NodeBuffer | undefined => (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Encode the bytes of an ArrayBuffer or of a view (only the view's part of its buffer) as padded standard base64. */
export function toBase64(data: ArrayBuffer | ArrayBufferView): string {
  // (an ArrayBuffer has no `buffer` and no `byteOffset`: itself, from 0)
  const { buffer = data as ArrayBuffer, byteOffset = 0, byteLength } = data as ArrayBufferView<ArrayBuffer>;
  const node = nodeBuffer();
  // Node: a Buffer over the same memory, no copy
  if (node) return node.from(buffer, byteOffset, byteLength).toString("base64");
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
    const buffer = nodeBuffer();
    bytes = buffer ? buffer.from(s, "base64") : Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  } catch {
    // atob throws on characters outside the alphabet
  }
  const again = bytes && toBase64(bytes);
  if (again != s && again?.replace(/=+$/, "") != s) throw new ProtocolError("Bad Engine.IO packet: invalid base64");
  return bytes!;
}

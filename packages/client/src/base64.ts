// Base64 for text-only transports (`b<base64>` Engine.IO messages) with btoa/atob, which every browser, worker
// and Node >= 16 has. atob is lenient (it skips whitespace, takes missing padding); bytes from the network are
// checked strictly first, and a rejection names the offending byte. Nothing runs at import time.

import { ProtocolError } from "./errors.js";

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  let s = "";
  // Chunks keep fromCharCode's argument list far below engines' limits.
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  return btoa(s);
}

/**
 * Decode `s` from index `start` (standard alphabet, padded or not). Throws ProtocolError naming the offending
 * byte as an index into `s`, so callers can point into the packet they were given.
 */
export function fromBase64(s: string, start = 0): Uint8Array {
  const body = s.slice(start);
  const data = body.replace(/==?$/, "");
  const bad = /[^A-Za-z0-9+/]/.exec(data);
  // Unpadded, 1 character too many; padded, not whole quads.
  if (bad || data.length % 4 === 1 || (data !== body && body.length % 4)) {
    throw new ProtocolError(`Bad Engine.IO packet: invalid base64 ${bad ? `character "${bad[0]}" at byte ${start + bad.index}` : "length " + body.length}`);
  }
  const binary = atob(data);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

// Base64 for text-only transports (`b<base64>` Engine.IO messages), in browsers, workers and Node alike.
// Table-driven rather than atob/btoa: those need a "binary string" round trip per byte and Node's Buffer
// decoder silently skips invalid characters, while bytes from the network must be rejected when malformed.
// Tables are built on first use so importing this module runs nothing.

import { ProtocolError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 255;

let encodeTable: Uint8Array | undefined;
let decodeTable: Uint8Array | undefined;
let asciiDecoder: TextDecoder | undefined;

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const table = (encodeTable ??= Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0)));
  const n = bytes.length;
  const whole = n - (n % 3);
  const out = new Uint8Array(Math.ceil(n / 3) * 4);
  let o = 0;
  for (let i = 0; i < whole; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out[o++] = table[v >> 18]!;
    out[o++] = table[(v >> 12) & 63]!;
    out[o++] = table[(v >> 6) & 63]!;
    out[o++] = table[v & 63]!;
  }
  if (whole < n) {
    const two = n - whole === 2;
    const v = (bytes[whole]! << 16) | (two ? bytes[whole + 1]! << 8 : 0);
    out[o++] = table[v >> 18]!;
    out[o++] = table[(v >> 12) & 63]!;
    out[o++] = two ? table[(v >> 6) & 63]! : 61;
    out[o] = 61; // "="
  }
  // Short outputs: fromCharCode beats the TextDecoder call overhead; long ones would overflow the call stack.
  return out.length <= 4096
    ? String.fromCharCode.apply(null, out as unknown as number[])
    : (asciiDecoder ??= new TextDecoder()).decode(out);
}

/**
 * Decode `s` from index `start` (padded or unpadded base64). Throws ProtocolError naming the offending byte
 * (an index into `s`, so callers can point into the packet they were given).
 */
export function fromBase64(s: string, start = 0): Uint8Array {
  let table = decodeTable;
  if (!table) {
    table = decodeTable = new Uint8Array(256).fill(INVALID);
    for (let i = 0; i < 64; i++) table[ALPHABET.charCodeAt(i)] = i;
  }
  let end = s.length;
  let pad = 0;
  while (pad < 2 && end > start && s.charCodeAt(end - 1) === 61) end--, pad++;
  const len = end - start;
  if ((pad && (len + pad) % 4) || len % 4 === 1) {
    throw new ProtocolError(`invalid base64 length ${len + pad} (${pad} padding) at byte ${start}`);
  }
  const out = new Uint8Array((len * 3) >> 2);
  const whole = end - (len % 4);
  let o = 0;
  let i = start;
  // code > 255 maps to index 0 (NUL), which is INVALID, so one compare covers every UTF-16 unit.
  for (; i < whole; i += 4) {
    const a = s.charCodeAt(i), b = s.charCodeAt(i + 1), c = s.charCodeAt(i + 2), d = s.charCodeAt(i + 3);
    const va = table[a > 255 ? 0 : a]!, vb = table[b > 255 ? 0 : b]!, vc = table[c > 255 ? 0 : c]!, vd = table[d > 255 ? 0 : d]!;
    if ((va | vb | vc | vd) > 63) badChar(s, i);
    const v = (va << 18) | (vb << 12) | (vc << 6) | vd;
    out[o++] = v >> 16;
    out[o++] = (v >> 8) & 255;
    out[o++] = v & 255;
  }
  if (i < end) {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = i + k < end ? s.charCodeAt(i + k) : 65; // "A" = 0 fills the missing tail
      const x = table[c > 255 ? 0 : c]!;
      if (x > 63) badChar(s, i);
      v = (v << 6) | x;
    }
    out[o++] = v >> 16;
    if (o < out.length) out[o] = (v >> 8) & 255;
  }
  return out;
}

function badChar(s: string, from: number): never {
  let i = from;
  while (ALPHABET.includes(s[i]!)) i++;
  throw new ProtocolError(`invalid base64 character ${JSON.stringify(s[i])} at byte ${i}`);
}

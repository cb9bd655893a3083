// Base64 for text-only transports (`b<base64>` Engine.IO messages), in browsers, workers and Node alike.
// Native where the platform has it (Uint8Array.prototype.toBase64 / Uint8Array.fromBase64 in current browsers,
// Buffer in Node), a table-driven codec elsewhere. Input from the network is validated first (one regex search):
// Node's Buffer decoder silently skips invalid characters and fromBase64 skips whitespace, while malformed bytes
// must be rejected — the table decoder then names the offending byte. Tables are built on first use, so
// importing this module runs nothing.

import { ProtocolError } from "./errors.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const INVALID = 255;

let encodeTable: Uint8Array | undefined;
let decodeTable: Uint8Array | undefined;
let asciiDecoder: TextDecoder | undefined;

interface NativeBase64 {
  /** Uint8Array.fromBase64 (TC39 proposal-arraybuffer-base64, shipped in current browsers). */
  fromBase64?(s: string): Uint8Array;
}
interface NodeBuffer {
  from(b: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string };
  from(s: string, encoding: "base64"): Uint8Array;
}
const nodeBuffer = (): NodeBuffer | undefined => (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Any character outside the alphabet (an unanchored search: fastest, and no backtracking on large input). */
const NOT_ALPHABET = /[^A-Za-z0-9+/]/;

/** Standard base64, padded or not; anything else goes to the table decoder for a precise error. */
function canonical(body: string): boolean {
  let len = body.length;
  const padded = body.charCodeAt(len - 1) === 61;
  if (padded ? len % 4 : len % 4 === 1) return false;
  if (padded) len -= body.charCodeAt(len - 2) === 61 ? 2 : 1;
  return !NOT_ALPHABET.test(padded ? body.slice(0, len) : body);
}

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  const B = nodeBuffer();
  if (B) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
  return tableEncode(bytes);
}

/**
 * Decode `s` from index `start` (padded or unpadded base64). Throws ProtocolError naming the offending byte
 * (an index into `s`, so callers can point into the packet they were given).
 */
export function fromBase64(s: string, start = 0): Uint8Array {
  const native = (Uint8Array as NativeBase64).fromBase64;
  const B = native ? undefined : nodeBuffer();
  if (native || B) {
    const body = start ? s.slice(start) : s;
    if (canonical(body)) return native ? native.call(Uint8Array, body) : B!.from(body, "base64");
  }
  return tableDecode(s, start);
}

/** Exported for tests: the portable encoder used where neither native base64 nor Buffer exists. */
export function tableEncode(bytes: Uint8Array): string {
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
  return (asciiDecoder ??= new TextDecoder()).decode(out);
}

/** Exported for tests: the portable, validating decoder (also the source of every base64 error message). */
export function tableDecode(s: string, start = 0): Uint8Array {
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

// Base64 for text-only transports (`b<base64>` Engine.IO messages), in browsers, workers and Node alike.
// Fastest available: Uint8Array.prototype.toBase64 / Uint8Array.fromBase64 (current browsers), else Buffer (Node)
// or btoa/atob. Bytes from the network must be rejected when malformed, with a message naming the offending byte,
// while these decoders are lenient in different ways (see fromBase64). Nothing runs at import time.

import { ProtocolError } from "./errors.js";

interface NodeBuffer {
  from(b: ArrayBufferLike, offset: number, length: number): { toString(encoding: "base64"): string; write(s: string, encoding: "base64"): number };
}
const nodeBuffer = (): NodeBuffer | undefined => (globalThis as { Buffer?: NodeBuffer }).Buffer;

/** Any character outside the alphabet: only used to explain a rejection (an unanchored search, no backtracking). */
const NOT_ALPHABET = /[^A-Za-z0-9+/]/;

/** Encode bytes as padded standard base64. */
export function toBase64(bytes: Uint8Array): string {
  const native = (bytes as { toBase64?: () => string }).toBase64;
  if (native) return native.call(bytes);
  const B = nodeBuffer();
  if (B) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
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
  const body = start ? s.slice(start) : s;
  const len = body.length;
  const pad = body.charCodeAt(len - 1) === 61 ? (body.charCodeAt(len - 2) === 61 ? 2 : 1) : 0;
  const badLength = pad ? len % 4 : len % 4 === 1;
  const size = ((len - pad) * 3) >> 2;
  if (!badLength) {
    try {
      const native = (Uint8Array as { fromBase64?: (s: string) => Uint8Array }).fromBase64;
      let out: Uint8Array;
      const B = nodeBuffer();
      if (native) out = native.call(Uint8Array, body);
      // Buffer skips foreign characters (caught below) but reads base64url's "-" and "_" as data.
      else if (B && !body.includes("-") && !body.includes("_")) {
        // Written into an ArrayBuffer of its own: Buffer.from(string) would use the shared pool, and handing
        // out an ArrayBuffer would then cost a copy.
        out = new Uint8Array(size);
        out = out.subarray(0, B.from(out.buffer, 0, size).write(body, "base64"));
      }
      else {
        const binary = atob(body);
        out = new Uint8Array(binary.length);
        for (let i = 0; i < out.length; i++) out[i] = binary.charCodeAt(i);
      }
      // Every decoder here skips whitespace (Buffer: any foreign character): skipped input makes a shorter output.
      if (out.length === size) return out;
    } catch {
      // malformed: explained below
    }
  }
  if (badLength) throw new ProtocolError(`invalid base64 length ${len} at byte ${start}`);
  const bad = NOT_ALPHABET.exec(pad ? body.slice(0, len - pad) : body);
  throw new ProtocolError(`invalid base64 character ${JSON.stringify(bad ? bad[0] : "")} at byte ${start + (bad ? bad.index : 0)}`);
}

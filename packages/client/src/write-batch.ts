// How many queued packets fit in one request of a half-duplex transport: the server refuses a body larger than
// the handshake's maxPayload (bytes of the `\x1e`-joined payload, binary as base64).
// @see https://github.com/socketio/engine.io-protocol#handshake (maxPayload)

import type { BinaryData, EnginePacket } from "./engine-codec.js";

/** The length of the longest prefix of `packets` within `maxPayload` bytes; at least 1. */
export function batchLength(packets: readonly EnginePacket[], maxPayload: number): number {
  let size = 0;
  let i = 0;
  for (; i < packets.length; i++) {
    const d = packets[i]!.data;
    // type digit (or "b") + separator + data
    size += 2 + (d === undefined ? 0 : typeof d === "string" ? utf8Length(d) : Math.ceil(byteLength(d) / 3) * 4);
    if (i && size > maxPayload) break;
  }
  return i;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n++;
    else if (c >= 0xd800 && c < 0xdc00) (n += 2), i++; // a surrogate pair: 2 UTF-16 units, 4 bytes
    else n += 2;
  }
  return n;
}

/** ArrayBuffers and views have `byteLength`, Blobs only `size`. */
function byteLength(d: BinaryData): number {
  return (d as ArrayBuffer).byteLength ?? (d as Blob).size;
}

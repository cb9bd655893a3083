// How many queued packets fit in one request of a half-duplex transport: the server refuses a body larger than
// the handshake's maxPayload (bytes of the `\x1e`-joined payload, binary as base64).
// @see https://github.com/socketio/engine.io-protocol#handshake (maxPayload)

import type { EnginePacket } from "./engine-codec.js";

/**
 * The length of the longest prefix of `packets` within `maxPayload` bytes; at least 1. Blobs were read into
 * ArrayBuffers before (text transports cannot carry them), so binary data has a `byteLength`.
 */
export function batchLength(packets: readonly EnginePacket[], maxPayload: number): number {
  let size = 0;
  let i = 0;
  for (; i < packets.length; i++) {
    const d = packets[i]!.data ?? "";
    // type digit (or "b") + separator + data: UTF-8 bytes of text, base64 of binary
    size += 2 + (typeof d === "string" ? new TextEncoder().encode(d).length : Math.ceil((d as ArrayBuffer).byteLength / 3) * 4);
    if (i && size > maxPayload) break;
  }
  return i;
}

// Text-only transports (HTTP payloads, the Flash bridge's text frames) carry binary as `b<base64>`, and a Blob
// cannot be read synchronously: such a transport reads its Blobs into ArrayBuffers before it encodes. Binary
// transports (WebSocket) send a Blob as it is, so a bundle of those carries none of this.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Blob/arrayBuffer

import type { EnginePacket } from "./engine-codec.js";

/**
 * Replaces each Blob among the packets' data by its bytes (an ArrayBuffer, in place: the order stays), then calls
 * `write`: at once when there is none, else once all are read. A read that fails calls `fail` instead.
 */
export function readBlobs(packets: EnginePacket[], write: () => void, fail: (cause: Error) => void): void {
  const B = globalThis.Blob;
  const blobs = packets.filter((p) => B && p.data instanceof B);
  if (!blobs.length) return write();
  Promise.all(blobs.map(async (p) => (p.data = await (p.data as Blob).arrayBuffer()))).then(write, fail);
}

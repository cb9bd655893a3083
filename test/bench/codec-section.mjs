// Section "Codec": test/bench/codec.mjs (owned by the codec's author) behind the section interface.
import { format as formatCodec, run as runCodec } from "./codec.mjs";

export const title = "Codec: omnio's Socket.IO + Engine.IO codecs vs socket.io-parser + engine.io-parser (Node)";

export const run = () => runCodec();

export function format(rows) {
  return `ops/s, median of 5 × 300 ms; ratio = omnio / reference (> 1: omnio faster)\n\n${formatCodec(rows)}`;
}

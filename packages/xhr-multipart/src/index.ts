// @omnio/xhr-multipart: the AJAX multipart streaming transport factory. Nothing runs at import time.
// @see ../../../shared/PROTOCOL.md §4

import type { ProbeEnv, ProbeResult, TransportFactory } from "@omnio/client";
import { XhrMultipartTransport, readerOf } from "./xhr-multipart-transport.js";

export { XhrMultipartTransport, type StreamReader } from "./xhr-multipart-transport.js";
export { multipartParser, type MultipartParser } from "./multipart-parser.js";

/** No options (the reader is chosen by what the environment has); the object keeps the call shape open. */
export type XhrMultipartOptions = Record<string, never>;

export function xhrMultipart(_options?: XhrMultipartOptions): TransportFactory {
  return {
    name: "xhr-multipart",
    traits: { duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true },
    probe: probeXhrMultipart,
    create: (context) => new XhrMultipartTransport(context),
  };
}

/** Side-effect free: "fetch reader", "xhr reader", or "no fetch or xhr". */
export function probeXhrMultipart({ global }: ProbeEnv): ProbeResult {
  const use = readerOf(global);
  return { supported: !!use, reason: use ? use + " reader" : "no fetch or xhr" };
}

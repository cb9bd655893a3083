// @omnio/xhr-multipart: the AJAX multipart streaming transport factory. Nothing runs at import time.
// @see ../../../shared/PROTOCOL.md §4

import type { ProbeEnv, ProbeResult, TransportFactory } from "@omnio/client";
import { XhrMultipartTransport } from "./xhr-multipart-transport.js";

export { XhrMultipartTransport } from "./xhr-multipart-transport.js";
export { multipartParser, type MultipartParser } from "./multipart-parser.js";

/** No options; the object keeps the call shape open. */
export type XhrMultipartOptions = Record<string, never>;

export function xhrMultipart(_options?: XhrMultipartOptions): TransportFactory {
  return {
    name: "xhr-multipart",
    traits: { duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true },
    probe: probeXhrMultipart,
    create: (context) => new XhrMultipartTransport(context),
  };
}

/**
 * Side-effect free: looks for fetch, constructs nothing. Every environment with fetch that runs this ES2020 code
 * streams its response bodies (ReadableStream) and has TextDecoder.
 */
export function probeXhrMultipart({ global }: ProbeEnv): ProbeResult {
  const supported = !!(global as Partial<typeof globalThis>).fetch;
  return { supported, reason: supported ? "fetch" : "no fetch" };
}

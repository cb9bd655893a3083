// @omnio/xhr-multipart: the AJAX multipart streaming transport factory. Nothing runs at import time.
// @see ../../../shared/PROTOCOL.md §4

import type { ProbeEnv, ProbeResult, TransportFactory } from "@omnio/client";
import { XhrMultipartTransport, type StreamReader } from "./xhr-multipart-transport.js";

export { XhrMultipartTransport, type StreamReader } from "./xhr-multipart-transport.js";
export { PAUSE_DEADLINE_MS } from "@omnio/client";
export { multipartParser, type MultipartParser } from "./multipart-parser.js";

export interface XhrMultipartOptions {
  /** How the stream is read: "fetch" (ReadableStream, flat memory) or "xhr". Default: fetch where it streams. */
  reader?: StreamReader;
}

/**
 * The reader this environment streams with (the forced one only), or none: fetch where responses have body
 * streams (Response.prototype.body), else XMLHttpRequest. Looks at constructors and prototypes, constructs nothing.
 * Any XMLHttpRequest that runs this ES2020 code hands out partial `responseText` while loading, with CORS.
 */
const readerOf = (global: typeof globalThis, reader?: StreamReader): StreamReader | undefined =>
  reader != "xhr" && "body" in (global.Response?.prototype ?? {}) ? "fetch" : reader != "fetch" && global.XMLHttpRequest ? "xhr" : undefined;

export function xhrMultipart(options: XhrMultipartOptions = {}): TransportFactory {
  return {
    name: "xhr-multipart",
    traits: { duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true },
    probe: (env) => probeXhrMultipart(env, options.reader),
    create: (context) => new XhrMultipartTransport(context, readerOf(context.global, options.reader)!),
  };
}

/** Side-effect free: "fetch reader", "xhr reader", or why neither ("no fetch reader" when `reader` forces it). */
export function probeXhrMultipart({ global }: ProbeEnv, reader?: StreamReader): ProbeResult {
  const use = readerOf(global, reader);
  return { supported: !!use, reason: (use ? "" : "no ") + (use ?? reader ?? "fetch or xhr") + " reader" };
}

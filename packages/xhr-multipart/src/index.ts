// @omnio/xhr-multipart: the AJAX multipart streaming transport factory. Nothing runs at import time.
// @see ../../../shared/PROTOCOL.md §4

import type { ProbeEnv, ProbeResult, TransportContext, TransportFactory, TransportTraits } from "@omnio/client";
import { defaultReader, type StreamReader } from "./stream-get.js";
import { XhrMultipartTransport } from "./xhr-multipart-transport.js";

export { XhrMultipartTransport } from "./xhr-multipart-transport.js";
export { PAUSE_DEADLINE_MS } from "@omnio/client";
export { MultipartParser, boundaryOf } from "./multipart-parser.js";
export type { StreamReader } from "./stream-get.js";

export interface XhrMultipartOptions {
  /**
   * How the stream is read: "fetch" (ReadableStream, flat memory; the default where it exists) or "xhr"
   * (progress events on `responseText`; older browsers). Default: the first the environment has.
   */
  reader?: StreamReader;
}

const traits: TransportTraits = {
  duplex: false,
  streaming: true,
  binary: false,
  crossOrigin: "cors",
  handshake: true,
};

export function xhrMultipart(options: XhrMultipartOptions = {}): TransportFactory {
  return {
    name: "xhr-multipart",
    traits,
    probe: (env) => probeXhrMultipart(env, options.reader),
    create: (context: TransportContext) =>
      new XhrMultipartTransport(context, options.reader ?? defaultReader(context.global) ?? "xhr"),
  };
}

/** Side-effect free: looks at constructors and prototypes, constructs nothing. */
export function probeXhrMultipart(env: ProbeEnv, reader?: StreamReader): ProbeResult {
  const g = env.global;
  const available = defaultReader(g);
  const fetchOk = available === "fetch";
  const Xhr = g.XMLHttpRequest;
  // progress events (XHR level 2) are what let us read the body before it ends; CORS XHR has withCredentials
  const xhrOk = typeof Xhr === "function" && "onprogress" in Xhr.prototype && (!env.crossOrigin || "withCredentials" in Xhr.prototype);
  if (reader === "fetch" || (!reader && fetchOk)) {
    return fetchOk
      ? { supported: true, reason: "fetch with ReadableStream bodies" }
      : { supported: false, reason: "no fetch with ReadableStream bodies" };
  }
  if (xhrOk) return { supported: true, reason: "XMLHttpRequest with progress events" + (env.crossOrigin ? " and CORS" : "") };
  return {
    supported: false,
    reason: typeof Xhr !== "function" ? "no streaming fetch or XMLHttpRequest" : "XMLHttpRequest without progress events or CORS",
  };
}

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

/** fetch with ReadableStream response bodies (Response.prototype.body), the default reader where it exists. */
const fetchStreams = (g: typeof globalThis): boolean => "body" in (g.Response?.prototype ?? {});

export function xhrMultipart(options: XhrMultipartOptions = {}): TransportFactory {
  return {
    name: "xhr-multipart",
    traits: { duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true },
    probe: (env) => probeXhrMultipart(env, options.reader),
    create: (context) => new XhrMultipartTransport(context, options.reader ?? (fetchStreams(context.global) ? "fetch" : "xhr")),
  };
}

/** Side-effect free: looks at constructors and prototypes, constructs nothing. */
export function probeXhrMultipart({ global, crossOrigin }: ProbeEnv, reader?: StreamReader): ProbeResult {
  const fetchOk = reader != "xhr" && fetchStreams(global);
  // XHR level 2 (progress events) hands out partial responseText while loading; CORS XHR has withCredentials
  const proto = global.XMLHttpRequest?.prototype ?? {};
  const xhrOk = reader != "fetch" && "onprogress" in proto && (!crossOrigin || "withCredentials" in proto);
  const cors = crossOrigin ? " and CORS" : "";
  return {
    supported: fetchOk || xhrOk,
    reason: fetchOk ? "fetch streams" : xhrOk ? "XHR with progress" + cors : "no fetch streams" + (reader == "fetch" ? "" : " or XHR with progress" + cors),
  };
}

// @omnio/jsonp: the JSONP polling transport factory. Nothing runs at import time: `___eio` is created by the
// first request, never by importing this module.
// @see ../../../../shared/PROTOCOL.md §3

import type { ProbeEnv, ProbeResult, TransportContext, TransportFactory, TransportTraits } from "@omnio/client";
import { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";

export { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";
export { escapeNewlines } from "./newline-escape.js";

const traits: TransportTraits = {
  duplex: false,
  streaming: false,
  binary: false,
  crossOrigin: "none",
  handshake: true,
};

export function jsonp(options: JsonpTransportOptions = {}): TransportFactory {
  return {
    name: "jsonp",
    traits,
    probe: probeJsonp,
    create: (context: TransportContext) => new JsonpTransport(context, options),
  };
}

/** Side-effect free: looks at `document` and the script element constructor, creates nothing. */
export function probeJsonp(env: ProbeEnv): ProbeResult {
  const doc = (env.global as { document?: Partial<Document> }).document;
  if (!doc || typeof doc.createElement !== "function") return { supported: false, reason: "no document (not a page)" };
  if (typeof env.global.HTMLScriptElement !== "function") {
    return { supported: false, reason: "document without script elements" };
  }
  return { supported: true, reason: "<script> and hidden forms (no CORS needed)" };
}

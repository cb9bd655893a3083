// @omnio/jsonp: the JSONP polling transport factory. Nothing runs at import time: `___eio` is created by the
// first request, never by importing this module.
// @see ../../../../shared/PROTOCOL.md §3

import type { ProbeEnv, ProbeResult, TransportFactory } from "@omnio/client";
import { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";

export { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";
export { escapeNewlines } from "./newline-escape.js";

export function jsonp(options: JsonpTransportOptions = {}): TransportFactory {
  return {
    name: "jsonp",
    traits: { duplex: false, streaming: false, binary: false, crossOrigin: "none", handshake: true },
    probe: probeJsonp,
    create: (context) => new JsonpTransport(context, options),
  };
}

/**
 * Side-effect free. Needs a page (script elements exist; `document` with them) and a `___eio` that is absent or
 * an array: a page-owned value of another kind is left alone, and JSONP answers could not reach us through it.
 */
export function probeJsonp({ global }: ProbeEnv): ProbeResult {
  const page = typeof global.HTMLScriptElement == "function";
  const slots = Array.isArray((global as { ___eio?: unknown }).___eio ?? []);
  return { supported: page && slots, reason: !page ? "not a page" : slots ? "no CORS needed" : "___eio is not an array" };
}

// @omnio/jsonp: the JSONP polling transport factory. Nothing runs at import time: `___eio` is created by the
// first request, never by importing this module.
// @see ../../../../shared/PROTOCOL.md §3

import type { TransportFactory } from "@omnio/client";
import { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";

export { JsonpTransport, type JsonpTransportOptions } from "./jsonp-transport.js";
export { escapeNewlines } from "./newline-escape.js";

export function jsonp(options: JsonpTransportOptions = {}): TransportFactory {
  return {
    name: "jsonp",
    traits: { duplex: false, streaming: false, binary: false, crossOrigin: "none", handshake: true },
    /**
     * Side-effect free. Needs a page (script elements exist) and a `___eio` that is absent or an array: a
     * page-owned value of another kind is left alone, and JSONP answers could not reach us through it.
     */
    probe({ global }) {
      const supported = Array.isArray(global.HTMLScriptElement && ((global as { ___eio?: unknown }).___eio ?? []));
      return { supported, reason: supported ? "script" : "no page or ___eio" };
    },
    create: (context) => new JsonpTransport(context, options.nonce),
  };
}

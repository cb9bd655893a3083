// @omnio/polling: the AJAX long-polling transport factory. Nothing runs at import time.
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest

import type { ProbeEnv, ProbeResult, TransportContext, TransportFactory, TransportTraits } from "@omnio/client";
import { PollingTransport } from "./polling-transport.js";

export { PollingTransport } from "./polling-transport.js";

/** No options yet; the object is there so adding some later does not change the call shape. */
export type PollingTransportOptions = Record<string, never>;

const traits: TransportTraits = {
  duplex: false,
  streaming: false,
  binary: false,
  crossOrigin: "cors",
  handshake: true,
};

export function polling(_options: PollingTransportOptions = {}): TransportFactory {
  return {
    name: "polling",
    traits,
    probe: probePolling,
    create: (context: TransportContext) => new PollingTransport(context),
  };
}

/** Side-effect free: looks at constructors and prototypes, constructs nothing. */
export function probePolling(env: ProbeEnv): ProbeResult {
  const Xhr = env.global.XMLHttpRequest;
  if (typeof Xhr === "function") {
    if (!env.crossOrigin) return { supported: true, reason: "XMLHttpRequest present" };
    // CORS-capable XHR (XHR level 2) has `withCredentials` on its prototype; checking the prototype avoids
    // constructing a request just to look.
    return "withCredentials" in Xhr.prototype
      ? { supported: true, reason: "XMLHttpRequest with CORS for a cross-origin URL" }
      : { supported: false, reason: "XMLHttpRequest without CORS support, and the URL is cross-origin" };
  }
  return typeof env.global.fetch === "function"
    ? { supported: true, reason: "fetch present (no XMLHttpRequest)" }
    : { supported: false, reason: "no XMLHttpRequest or fetch" };
}

// @omnio/iframe: the forever iframe (`htmlfile`) transport factory. Nothing runs at import time: no listener,
// iframe or global exists until a transport instance opens a stream.
// @see ../../../../shared/PROTOCOL.md §5

import type { ProbeEnv, ProbeResult, TransportFactory } from "@omnio/client";
import { IframeTransport } from "./iframe-transport.js";

export { FRAME_CALLBACK, IframeTransport } from "./iframe-transport.js";

/** No options (the load grace is fixed at 1 s); the object is there so adding some later does not change the call shape. */
export type IframeTransportOptions = Record<string, never>;

export function iframe(_options?: IframeTransportOptions): TransportFactory {
  return {
    name: "htmlfile",
    traits: { duplex: false, streaming: true, binary: false, crossOrigin: "postMessage", handshake: true },
    probe: probeIframe,
    create: (context) => new IframeTransport(context),
  };
}

/**
 * Side-effect free: looks at `HTMLIFrameElement` (pages only) and `location`, creates nothing. Everything else it
 * needs (postMessage, CORS XHR or fetch for the POSTs) every browser that runs this ES2020 code has.
 */
export function probeIframe({ global, crossOrigin }: ProbeEnv): ProbeResult {
  // The server is told the page origin (`o`), to post to it or to check the callback's caller; an opaque
  // origin ("null") cannot be the target of its postMessage replies.
  const origin = global.location?.origin;
  const reason = !(global as Partial<typeof globalThis>).HTMLIFrameElement || !origin ? "not a page" : crossOrigin && origin == "null" ? "opaque origin" : "";
  return { supported: !reason, reason: reason || "iframe" };
}

// @omnio/iframe: the forever iframe (`htmlfile`) transport factory. Nothing runs at import time: no listener,
// iframe or global exists until a transport instance opens a stream.
// @see ../../../../shared/PROTOCOL.md §5

import type { ProbeEnv, ProbeResult, TransportContext, TransportFactory, TransportTraits } from "@omnio/client";
import { IframeTransport, type IframeTransportOptions } from "./iframe-transport.js";

export { IframeTransport, type IframeTransportOptions } from "./iframe-transport.js";
export { PAUSE_DEADLINE_MS } from "@omnio/client";
export { FRAME_CALLBACK } from "./frame-stream.js";

const traits: TransportTraits = {
  duplex: false,
  streaming: true,
  binary: false,
  crossOrigin: "postMessage",
  handshake: true,
};

export function iframe(options: IframeTransportOptions = {}): TransportFactory {
  return {
    name: "htmlfile",
    traits,
    probe: probeIframe,
    create: (context: TransportContext) => new IframeTransport(context, options),
  };
}

/** Side-effect free: looks at `document`, constructors and `location`, creates nothing. */
export function probeIframe(env: ProbeEnv): ProbeResult {
  const g = env.global as Partial<typeof globalThis>;
  const doc = g.document as Partial<Document> | undefined;
  if (!doc || typeof doc.createElement !== "function") return { supported: false, reason: "no document (not a page)" };
  if (typeof g.HTMLIFrameElement !== "function") return { supported: false, reason: "document without iframe elements" };
  const origin = g.location?.origin;
  if (typeof origin !== "string") return { supported: false, reason: "no location: the server can't be told the page origin" };
  if (typeof g.XMLHttpRequest !== "function" && typeof g.fetch !== "function") {
    return { supported: false, reason: "no XMLHttpRequest or fetch to POST with" };
  }
  if (!env.crossOrigin) return { supported: true, reason: "document with iframes (same origin: direct callback)" };
  if (origin === "null") return { supported: false, reason: "the page has an opaque origin: postMessage replies can't be targeted" };
  if (typeof g.postMessage !== "function" || typeof g.addEventListener !== "function") {
    return { supported: false, reason: "no postMessage, and the URL is cross-origin" };
  }
  if (typeof g.XMLHttpRequest === "function" && !("withCredentials" in g.XMLHttpRequest.prototype)) {
    return { supported: false, reason: "XMLHttpRequest without CORS support for the cross-origin POSTs" };
  }
  return { supported: true, reason: "document with iframes and postMessage (cross-origin; the server must allow this origin)" };
}

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
  const origin = g.location?.origin;
  const no = (reason: string): ProbeResult => ({ supported: false, reason });
  if (typeof g.document?.createElement !== "function") return no("no document (not a page)");
  if (typeof g.HTMLIFrameElement !== "function") return no("document without iframe elements");
  // The server is told the page origin (`o`), to post to it or to check the callback's caller.
  if (typeof origin !== "string") return no("no location (page origin)");
  if (typeof g.XMLHttpRequest !== "function" && typeof g.fetch !== "function") return no("no XMLHttpRequest or fetch to POST with");
  if (!env.crossOrigin) return { supported: true, reason: "iframes, same origin" };
  // An opaque origin ("null") cannot be the target of the server's postMessage replies.
  if (origin === "null") return no("opaque origin");
  if (typeof g.postMessage !== "function" || typeof g.addEventListener !== "function") return no("no postMessage");
  if (typeof g.XMLHttpRequest === "function" && !("withCredentials" in g.XMLHttpRequest.prototype)) return no("XMLHttpRequest without CORS");
  return { supported: true, reason: "iframes and postMessage (the server must allow this origin)" };
}

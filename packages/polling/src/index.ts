// @omnio/polling: the AJAX long-polling transport factory. Nothing runs at import time.
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest

import type { TransportFactory } from "@omnio/client";
import { PollingTransport } from "./polling-transport.js";

export { PollingTransport } from "./polling-transport.js";

/** No options yet; the object is there so adding some later does not change the call shape. */
export type PollingTransportOptions = Record<string, never>;

/** The probe is side-effect free: it looks at constructors and prototypes, constructs nothing. */
export function polling(_options?: PollingTransportOptions): TransportFactory {
  return {
    name: "polling",
    traits: { duplex: false, streaming: false, binary: false, crossOrigin: "cors", handshake: true },
    probe({ global, crossOrigin }) {
      const { XMLHttpRequest: Xhr, fetch } = global as Partial<typeof globalThis>;
      if (!Xhr) return { supported: !!fetch, reason: fetch ? "fetch" : "no XHR or fetch" };
      // A CORS-capable XHR (level 2) has `withCredentials` on its prototype: nothing is constructed just to look.
      const cors = !crossOrigin || "withCredentials" in Xhr.prototype;
      return { supported: cors, reason: cors ? "XHR" : "XHR without CORS" };
    },
    create: (context) => new PollingTransport(context),
  };
}

// @omnio/polling: the AJAX long-polling transport factory. Nothing runs at import time.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API

import type { TransportFactory } from "@omnio/client";
import { PollingTransport } from "./polling-transport.js";

export { PollingTransport } from "./polling-transport.js";

/** No options yet; the object is there so adding some later does not change the call shape. */
export type PollingTransportOptions = Record<string, never>;

/** The probe is side-effect free: it looks for fetch, constructs nothing. fetch always speaks CORS. */
export function polling(_options?: PollingTransportOptions): TransportFactory {
  return {
    name: "polling",
    traits: { duplex: false, streaming: false, binary: false, crossOrigin: "cors", handshake: true },
    probe({ global }) {
      const supported = !!(global as Partial<typeof globalThis>).fetch;
      return { supported, reason: supported ? "long polling over fetch" : "no fetch for long polling" };
    },
    create: (context) => new PollingTransport(context),
  };
}

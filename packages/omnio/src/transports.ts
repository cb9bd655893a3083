// Transport names → factories for the `io()` preset. One line per transport; the preset is the only place that
// imports transport packages, so `@omnio/client` users bundle only the ones they import themselves.

import type { TransportFactory, TransportName } from "@omnio/client";
import { flashBridge } from "@omnio/flash-bridge";
import { iframe } from "@omnio/iframe";
import { jsonp } from "@omnio/jsonp";
import { polling } from "@omnio/polling";
import { websocket } from "@omnio/websocket";
import { xhrMultipart } from "@omnio/xhr-multipart";

export const transportsByName: Partial<Record<TransportName, () => TransportFactory>> = {
  websocket,
  flashsocket: flashBridge,
  "xhr-multipart": xhrMultipart,
  htmlfile: iframe,
  polling,
  jsonp,
};

/**
 * What `io()` uses without a `transports` option, in the order above: duplex first, then streaming, then polling,
 * JSONP last (used where CORS is missing: the ranking handshakes on polling and keeps JSONP for when polling can't work).
 */
export const defaultTransports = Object.keys(transportsByName) as TransportName[];

// omnio: the everything-included preset. `io(url, options)` is `connect()` from @omnio/client with every
// transport available, transports selectable by name, as socket.io-client's `io()` is, and the `ranked`
// strategy (probes, memory, upgrades) on.

import {
  OmnioError,
  connect,
  ranked,
  type ConnectOptions,
  type DefaultEventsMap,
  type EventsMap,
  type Socket,
  type TransportFactory,
  type TransportName,
} from "@omnio/client";
import { defaultTransports, transportsByName } from "./transports.js";

export * from "@omnio/client";
export { transportsByName, defaultTransports } from "./transports.js";

export interface IoOptions extends Omit<ConnectOptions, "transports"> {
  /**
   * Names (`"websocket"`, `"polling"`…) or factories: which transports may be used. Default: all six. As in
   * socket.io-client, the list is a set, not a preference: `["polling", "websocket"]` still upgrades to WebSocket.
   * `io()` puts them in omnio's order (duplex, streaming, polling, JSONP) and the ranking does the rest; pass
   * factories to `connect()` from `@omnio/client` to impose an order of your own.
   */
  transports?: Array<TransportName | TransportFactory>;
}

/** omnio's preference order: `defaultTransports` has every TransportName. */
const rankOf = (t: TransportFactory) => defaultTransports.indexOf(t.name);

/** Connect to `url` (default: the page's origin); the path is the namespace. */
export function io<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
  url?: string | IoOptions,
  options: IoOptions = {},
): Socket<L, E> {
  if (typeof url == "object") (options = url), (url = undefined);
  url ??= globalThis.location?.origin;
  if (!url) throw new OmnioError("io(): no URL given");
  const transports = (options.transports ?? defaultTransports).map((t) => {
    if (typeof t != "string") return t;
    const make = transportsByName[t];
    if (!make) throw new OmnioError("io(): unknown transport " + t);
    return make();
  });
  transports.sort((a, b) => rankOf(a) - rankOf(b)); // stable: equal names keep the user's order
  return connect<L, E>(url, { strategy: ranked, ...options, transports });
}

export { io as connect };

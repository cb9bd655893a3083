// `connect(url, options)`: the Socket for the URL's namespace on a shared Manager (one per origin + path,
// multiplexing namespaces), or on a fresh one when asked (`forceNew`, `multiplex: false`) or when this
// namespace is already taken on the shared one, as socket.io-client's `lookup` does.

import type { EventsMap, DefaultEventsMap } from "./emitter.js";
import { Manager, type ManagerOptions } from "./manager.js";
import type { Socket, SocketOptions } from "./socket.js";
import { engineUri, parseUrl } from "./url.js";

export interface ConnectOptions extends ManagerOptions, SocketOptions {
  /** A new Manager (own connection) instead of the shared one. */
  forceNew?: boolean;
  /** `false`: same as `forceNew`. */
  multiplex?: boolean;
}

/** Shared Managers by origin + path. An object literal: importing this module runs nothing. */
const cache: Record<string, Manager> = {};

export function connect<L extends EventsMap = DefaultEventsMap, E extends EventsMap = L>(
  url: string,
  options: ConnectOptions,
): Socket<L, E> {
  const { origin, nsp, query } = parseUrl(url);
  const opts: ConnectOptions = { ...options, query: { ...query, ...options.query } };
  const id = engineUri(origin, options.path);
  const shared = cache[id];
  const io =
    options.forceNew || options.multiplex === false || shared?.nsps.has(nsp)
      ? new Manager(origin, opts)
      : (shared ?? (cache[id] = new Manager(origin, opts)));
  return io.socket(nsp, opts) as unknown as Socket<L, E>;
}

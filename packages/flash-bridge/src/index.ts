// @omnio/flash-bridge: the flashsocket transport over a bridge — bridge.swf (Flash Player or Ruffle) embedded on
// demand, or any object with web-socket-js's surface handed in. Nothing runs at import time.
// @see ../../../../shared/PROTOCOL.md §6

import type { TransportFactory } from "@omnio/client";
import type { FlashBridge } from "./bridge-surface.js";
import { NAME, createFlashTransport } from "./flash-transport.js";
import type { RuffleLoader } from "./ruffle-loader.js";

export { DEFAULT_JS_OBJECT } from "./bridge-surface.js";
export type { FlashBridge, FlashBridgeEvent, FlashBridgeCallbacks, RuffleSocketProxy, PageGlobal } from "./bridge-surface.js";
export { loadRuffle, type RuffleLoader } from "./ruffle-loader.js";

export interface FlashBridgeOptions {
  /** A bridge object with web-socket-js's surface (a native host, a test double). Default: embed bridge.swf. */
  bridge?: FlashBridge;
  /** The handed-in bridge already initialized (default true); false: wait for `<jsObject>.__onFlashInitialized()`. */
  ready?: boolean;
  /** Where bridge.swf is served. Default `<server path>flash/bridge.swf` (what @omnio/server serves). */
  swfUrl?: string;
  /** Loads Ruffle when it is not on the page yet: `loadRuffle("/ruffle/")` (the folder holding ruffle.js). */
  ruffle?: RuffleLoader;
  /** Name of the global the bridge calls back into (FlashVars `jsObject`). Default `__omnioFlash` for a handed-in
   * bridge; an embedded SWF gets `__omnioFlash<n>`, its own, so that any number run side by side. */
  jsObject?: string;
}

export function flashBridge(options: FlashBridgeOptions = {}): TransportFactory {
  const { bridge, ruffle } = options;
  return {
    name: NAME,
    // Embedding bridge.swf costs a player start (Ruffle: ~1.5–6 s on a busy machine) before the first frame:
    // probe deadlines get this much on top, so the start is not taken for a hang. A handed-in bridge is ready (0).
    traits: { duplex: true, streaming: false, binary: false, crossOrigin: "bridge", handshake: true, startupMs: bridge ? 0 : 6000 },
    probe({ global: g, url }) {
      // No look for the Flash plugin: since 2021 Flash Player refuses to run content. A native bridge is passed in.
      // (Ruffle is a page's: outside one there is neither it nor a loader for it.)
      const missing = bridge
        ? ""
        : url.protocol == "https:"
          ? "ws:// only"
          : (g as { RufflePlayer?: unknown }).RufflePlayer || ruffle
            ? ""
            : "no Ruffle";
      return { supported: !missing, reason: missing || (bridge ? "bridge given" : "Ruffle") };
    },
    create: (context) => createFlashTransport(context, options),
  };
}

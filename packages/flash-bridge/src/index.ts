// @omnio/flash-bridge: the flashsocket transport over a bridge — bridge.swf (Flash Player or Ruffle) embedded on
// demand, or any object with web-socket-js's surface handed in. Nothing runs at import time.
// @see ../../../../shared/PROTOCOL.md §6

import type { ProbeEnv, ProbeResult, TransportContext, TransportFactory, TransportTraits } from "@omnio/client";
import { BridgeHost } from "./bridge-host.js";
import { DEFAULT_JS_OBJECT, type FlashBridge, type RuffleSocketProxy } from "./bridge-surface.js";
import { FlashSocketTransport } from "./flash-transport.js";
import { rufflePresent } from "./swf-embed.js";

export { FlashSocketTransport } from "./flash-transport.js";
export { DEFAULT_JS_OBJECT } from "./bridge-surface.js";
export type { FlashBridge, FlashBridgeEvent, FlashBridgeCallbacks, RuffleSocketProxy } from "./bridge-surface.js";

export interface FlashBridgeOptions {
  /** A bridge object with web-socket-js's surface (a native host, a test double). Default: embed bridge.swf. */
  bridge?: FlashBridge;
  /** The handed-in bridge already initialized (default true); false: wait for `<jsObject>.__onFlashInitialized()`. */
  ready?: boolean;
  /** Where bridge.swf is served. Default `<server path>flash/bridge.swf` (what @omnio/server serves). */
  swfUrl?: string;
  /** URL of the folder holding ruffle.js, loaded when Ruffle is not on the page yet (e.g. "/ruffle/"). */
  ruffle?: string;
  /**
   * Ruffle socketProxy entries to add when missing. Default: the server's host and port → its proxy at
   * `<server path>flash/proxy` (served by @omnio/server). `false`: add none.
   */
  socketProxy?: RuffleSocketProxy[] | false;
  /** A policy file URL for the bridge to load first (`xmlsocket://host:10843`); Flash Player only. */
  policyUrl?: string;
  /** Name of the global the bridge calls back into (FlashVars `jsObject`). Default `__omnioFlash`. */
  jsObject?: string;
  /** How long the bridge may take to initialize, ms (Ruffle needs 3–6 s). Default 15000. */
  initTimeout?: number;
  /** Bridge logs to the console. */
  debug?: boolean;
}

const traits: TransportTraits = {
  duplex: true,
  streaming: false,
  binary: false,
  crossOrigin: "bridge",
  handshake: true,
};

type FlashNavigator = {
  plugins?: { namedItem?(name: string): unknown };
  mimeTypes?: { namedItem?(name: string): { enabledPlugin?: unknown } | null };
};

/**
 * Embedding bridge.swf costs a player start (Ruffle: ~1.5–6 s on a busy machine) before the first frame: probe
 * deadlines get this much on top, so the start is not mistaken for a hang (a handed-in bridge is ready: nothing).
 */
const BRIDGE_STARTUP_MS = 6_000;

export function flashBridge(options: FlashBridgeOptions = {}): TransportFactory {
  return {
    name: "flashsocket",
    traits: options.bridge ? traits : { ...traits, startupMs: BRIDGE_STARTUP_MS },
    probe(env: ProbeEnv): ProbeResult {
      if (options.bridge) return { supported: true, reason: "bridge object passed in options" };
      const g = env.global;
      if (!g.document) return { supported: false, reason: "no document for bridge.swf" };
      if (env.url.protocol === "https:") {
        return { supported: false, reason: "bridge.swf speaks ws:// only (server is https://)" };
      }
      if (rufflePresent(g)) return { supported: true, reason: "Ruffle present on the page" };
      if (options.ruffle) return { supported: true, reason: `Ruffle loadable from ${options.ruffle}` };
      if (flashPlugin(g.navigator as FlashNavigator | undefined)) return { supported: true, reason: "Flash plugin registered" };
      return { supported: false, reason: "no Flash plugin, no Ruffle" };
    },
    create(context: TransportContext) {
      return new FlashSocketTransport(context, () => {
        const base = context.base;
        const url = new URL(base);
        const port = Number(url.port) || (url.protocol === "https:" ? 443 : 80);
        const proxyUrl = base.replace(/^http/, "ws") + "flash/proxy";
        const socketProxy = options.socketProxy === false ? [] : (options.socketProxy ?? [{ host: url.hostname.replace(/^\[|\]$/g, ""), port, proxyUrl }]);
        return BridgeHost.acquire(context.global, {
          ...options,
          jsObject: options.jsObject ?? DEFAULT_JS_OBJECT,
          ready: options.ready ?? true,
          swfUrl: options.swfUrl ?? base + "flash/bridge.swf",
          socketProxy,
          initTimeout: options.initTimeout ?? 15_000,
          debug: !!options.debug,
        });
      });
    },
  };
}

function flashPlugin(nav: FlashNavigator | undefined): boolean {
  try {
    return !!(nav?.plugins?.namedItem?.("Shockwave Flash") || nav?.mimeTypes?.namedItem?.("application/x-shockwave-flash")?.enabledPlugin);
  } catch {
    return false;
  }
}

// Puts bridge.swf on the page: loads Ruffle first when asked to (its config must exist before ruffle.js runs),
// then an `<object type="application/x-shockwave-flash">` that Flash Player runs, or Ruffle polyfills (keeping its
// id). Every node added is removed by the returned cleanup. @see ../../../../shared/PROTOCOL.md §6
// @see https://ruffle.rs/ (config options: allowScriptAccess, socketProxy, publicPath)

import type { RuffleSocketProxy } from "./bridge-surface.js";

interface RuffleGlobal {
  config?: Record<string, unknown>;
  newest?: () => unknown;
}

type PageGlobal = typeof globalThis & { RufflePlayer?: RuffleGlobal };

export interface EmbedOptions {
  swfUrl: string;
  /** Id of the `<object>` (Ruffle keeps it on its polyfilled element). */
  elementId: string;
  /** FlashVars `jsObject`: where the SWF calls back. */
  jsObject: string;
  /** Folder URL holding ruffle.js, loaded when Ruffle is not on the page yet. */
  ruffle?: string;
  /** Added to Ruffle's config when no entry for the same host and port is there. */
  socketProxy: RuffleSocketProxy[];
  onError(message: string, cause?: unknown): void;
}

/** Ruffle's API is on the page (ruffle.js ran), or a page config waits for it. */
export const rufflePresent = (global: typeof globalThis): boolean => typeof (global as PageGlobal).RufflePlayer === "object" && (global as PageGlobal).RufflePlayer !== null;

/** Ruffle's settings for a hidden, script-driven bridge. @see PROTOCOL.md §6 "Flash today: Ruffle" */
const RUFFLE_DEFAULTS = {
  allowScriptAccess: true,
  autoplay: "on",
  unmuteOverlay: "hidden",
  splashScreen: false,
  preferredRenderer: "canvas",
  logLevel: "error",
};

export function embedSwf(global: typeof globalThis, options: EmbedOptions): () => void {
  const doc = global.document;
  const g = global as PageGlobal;
  const nodes: Element[] = [];
  let done = false;
  /** Set when this call put `RufflePlayer` on the page: taken back if Ruffle never loaded over it. */
  let installed: RuffleGlobal | undefined;
  const cleanup = (): void => {
    done = true;
    if (installed && g.RufflePlayer === installed && typeof installed.newest !== "function") delete g.RufflePlayer;
    for (const node of nodes.splice(0)) node.remove();
    // Ruffle may have replaced our <object> with its own element under the same id.
    doc.getElementById(options.elementId)?.remove();
  };

  const config = (g.RufflePlayer?.config ?? {}) as Record<string, unknown>;
  const proxies = Array.isArray(config.socketProxy) ? (config.socketProxy as RuffleSocketProxy[]) : [];
  const missing = options.socketProxy.filter((p) => !proxies.some((q) => q?.host === p.host && q?.port === p.port));

  const embed = (): void => {
    if (done) return;
    const object = doc.createElement("object");
    object.type = "application/x-shockwave-flash";
    object.data = options.swfUrl;
    object.id = options.elementId;
    object.width = "1";
    object.height = "1";
    // Visible to the engine (a hidden or zero-sized player may be throttled or never started), invisible to users.
    object.setAttribute("style", "position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;pointer-events:none");
    const params: Record<string, string> = {
      movie: options.swfUrl,
      allowScriptAccess: "always",
      flashvars: "jsObject=" + encodeURIComponent(options.jsObject),
    };
    for (const name in params) {
      const p = doc.createElement("param");
      p.name = name;
      p.value = params[name]!;
      object.appendChild(p);
    }
    (doc.body ?? doc.documentElement).appendChild(object);
    nodes.push(object);
  };

  if (g.RufflePlayer || !options.ruffle) {
    if (g.RufflePlayer && missing.length) {
      g.RufflePlayer.config = { ...config, socketProxy: [...proxies, ...missing] };
    }
    embed();
    return cleanup;
  }

  // Load Ruffle: the config is read when ruffle.js runs, so it goes first.
  const base = options.ruffle.endsWith("/") ? options.ruffle : options.ruffle + "/";
  g.RufflePlayer = installed = { config: { ...RUFFLE_DEFAULTS, publicPath: base, socketProxy: options.socketProxy } };
  const script = doc.createElement("script");
  script.src = base + "ruffle.js";
  script.onload = embed;
  script.onerror = (event) => {
    if (!done) options.onError(`cannot load Ruffle from ${script.src}`, event);
  };
  (doc.head ?? doc.documentElement).appendChild(script);
  nodes.push(script);
  return cleanup;
}

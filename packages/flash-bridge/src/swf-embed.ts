// Puts bridge.swf on the page: loads Ruffle first when asked to (its config must exist before ruffle.js runs),
// then an `<embed type="application/x-shockwave-flash">` that Flash Player runs, or Ruffle polyfills (keeping its
// id). The returned cleanup removes what was added. @see ../../../../shared/PROTOCOL.md §6
// @see https://ruffle.rs/ (config options: allowScriptAccess, socketProxy, publicPath)

import type { RuffleSocketProxy } from "./bridge-surface.js";
import type { FlashBridgeOptions } from "./index.js";

type PageGlobal = typeof globalThis & { RufflePlayer?: { config?: { socketProxy?: RuffleSocketProxy[]; [setting: string]: unknown } } };

export function embedSwf(
  global: PageGlobal,
  id: string,
  jsObject: string,
  o: FlashBridgeOptions,
  /** The Engine.IO endpoint: its host and port are what bridge.swf connects to. */
  base: string,
  onError: (cause: unknown) => void,
): () => void {
  const doc = global.document;
  const parent = doc.body ?? doc.documentElement;
  const { hostname, port } = new URL(base);
  const proxies = o.socketProxy ?? [
    { host: hostname.replace(/^\[|\]$/g, ""), port: +port || 80, proxyUrl: base.replace(/^http/, "ws") + "flash/proxy" },
  ];
  const attributes: Record<string, string> = {
    id,
    type: "application/x-shockwave-flash",
    src: o.swfUrl ?? base + "flash/bridge.swf",
    allowScriptAccess: "always",
    // A global's name: nothing in it that FlashVars would need escaped.
    flashvars: "jsObject=" + jsObject,
    // Visible to the engine (a hidden or zero-sized player may be throttled or never started), not to users.
    style: "position:absolute;left:0;top:0;width:1px;height:1px;opacity:0;pointer-events:none",
  };
  let done = false;
  let script: HTMLScriptElement | undefined;
  /** Set when this call put `RufflePlayer` on the page: taken back if ruffle.js never replaced it. */
  let installed: PageGlobal["RufflePlayer"];

  const embed = (): void => {
    if (done) return;
    const element = doc.createElement("embed");
    for (const name in attributes) element.setAttribute(name, attributes[name]!);
    parent.appendChild(element);
  };

  let ruffle = global.RufflePlayer;
  if (!ruffle && o.ruffle) {
    const path = o.ruffle.replace(/\/?$/, "/");
    // Ruffle's settings for a hidden, script-driven bridge (the proxies are added below, as to a page's own Ruffle).
    // @see PROTOCOL.md §6 "Flash today: Ruffle". No splash or unmute overlay settings: the 1px player is not seen.
    global.RufflePlayer = ruffle = installed = { config: { allowScriptAccess: true, autoplay: "on", preferredRenderer: "canvas", publicPath: path } };
    script = doc.createElement("script");
    script.src = path + "ruffle.js";
    script.onload = embed;
    script.onerror = (event) => done || onError(event);
    parent.appendChild(script);
  }
  if (ruffle) {
    // Ruffle reads its config when it starts a player: add the proxies it lacks (exact host and port match).
    const list = ((ruffle.config ??= {}).socketProxy ??= []);
    for (const p of proxies) if (!list.some((q) => q.host === p.host && q.port === p.port)) list.push(p);
  }
  // With Ruffle to load, the <embed> waits for it (Ruffle polyfills what it finds when it starts).
  if (!script) embed();

  return () => {
    done = true;
    script?.remove();
    // Ruffle replaced our element with its own under the same id.
    doc.getElementById(id)?.remove();
    if (global.RufflePlayer === installed) delete global.RufflePlayer;
  };
}

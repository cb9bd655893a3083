// Puts bridge.swf on the page: an `<embed type="application/x-shockwave-flash">` that Flash Player runs, or Ruffle
// polyfills (keeping its id), after the `ruffle` loader put Ruffle on a page without it (a load the element waits
// for: Ruffle polyfills what it finds when it starts). The returned cleanup removes what was added.
// @see ../../../../shared/PROTOCOL.md §6 · https://ruffle.rs/ (config: socketProxy)

import type { PageGlobal } from "./bridge-surface.js";
import type { FlashBridgeOptions } from "./index.js";

export function embedSwf(
  global: PageGlobal,
  id: string,
  jsObject: string,
  o: FlashBridgeOptions,
  /** The Engine.IO endpoint: its host and port are what bridge.swf connects to. */
  base: string,
  /** Fails the transport: `what` failed, for `cause`. */
  onError: (what: string, cause: unknown) => void,
): () => void {
  const doc = global.document;
  const { hostname, port } = new URL(base);
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
  const embed = (): void => {
    const element = doc.createElement("embed");
    for (const name in attributes) element.setAttribute(name, attributes[name]!);
    (doc.body ?? doc.documentElement).appendChild(element);
  };
  const unload = global.RufflePlayer ? undefined : o.ruffle?.(global, embed, onError);
  const ruffle = global.RufflePlayer;
  if (ruffle) {
    // Ruffle reads its config when it starts a player: unless the page's config has an entry for the server's host
    // and port (Ruffle matches both exactly), the server's own proxy carries bridge.swf's socket.
    const list = ((ruffle.config ??= {}).socketProxy ??= []);
    const host = hostname.replace(/^\[|\]$/g, "");
    const serverPort = +port || 80;
    if (!list.some((q) => q.host === host && q.port === serverPort)) list.push({ host, port: serverPort, proxyUrl: base.replace(/^http/, "ws") + "flash/proxy" });
  }
  if (!unload) embed();

  return () => {
    unload?.();
    // Ruffle replaced our element with its own under the same id.
    doc.getElementById(id)?.remove();
  };
}

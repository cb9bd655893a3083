// Ruffle loaded on demand, for pages that do not load it themselves: `flashBridge({ ruffle: loadRuffle("/ruffle/") })`.
// Its own export, so that a page with Ruffle of its own (or a handed-in bridge) bundles none of it.
// @see ../../../../shared/PROTOCOL.md §6 "Flash today: Ruffle" · https://ruffle.rs/ (config: allowScriptAccess, publicPath)

import type { PageGlobal } from "./bridge-surface.js";

/** Puts Ruffle on a page that has none, then calls `loaded` (or `failed`, naming what failed); returns its undo. */
export type RuffleLoader = (global: PageGlobal, loaded: () => void, failed: (what: string, cause: unknown) => void) => () => void;

/** Loads `ruffle.js` from `folder` (e.g. "/ruffle/", which serves the whole `@ruffle-rs/ruffle` package as is). */
export const loadRuffle =
  (folder: string): RuffleLoader =>
  (global, loaded, failed) => {
    const doc = global.document;
    const path = folder.replace(/\/?$/, "/");
    // Ruffle's settings for a hidden, script-driven bridge, which must exist before ruffle.js runs; ruffle.js
    // replaces this object with its API and keeps the config. No splash or unmute overlay settings: the 1px player
    // is not seen. (The socket proxies are added by the embed, as to a page's own Ruffle.)
    const installed = (global.RufflePlayer = { config: { allowScriptAccess: true, autoplay: "on", preferredRenderer: "canvas", publicPath: path } });
    const script = doc.createElement("script");
    script.src = path + "ruffle.js";
    script.onload = loaded;
    script.onerror = (event) => failed("cannot load Ruffle", event);
    (doc.body ?? doc.documentElement).appendChild(script);
    return () => {
      // A load or error after this does nothing.
      script.onload = script.onerror = null;
      script.remove();
      // Taken back if ruffle.js never replaced it.
      if (global.RufflePlayer === installed) delete global.RufflePlayer;
    };
  };

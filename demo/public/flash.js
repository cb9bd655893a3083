// Ruffle for the Flash socket: configured (script access for the bridge's ExternalInterface, its socket proxy on
// this server) before ruffle.js loads, which is when Ruffle reads its config. omnio's flashsocket transport then
// finds Ruffle on the page and embeds bridge.swf when it is tried. @see shared PROTOCOL.md §6

let loading;

/** Resolves true once Ruffle's API is on the page, false when it cannot be loaded (the transport says so). */
export function ensureRuffle() {
  if (loading) return loading;
  const host = location.hostname.replace(/^\[|\]$/g, "");
  const port = Number(location.port) || 80;
  window.RufflePlayer = {
    config: {
      allowScriptAccess: true,
      autoplay: "on",
      unmuteOverlay: "hidden",
      splashScreen: false,
      preferredRenderer: "canvas",
      publicPath: "/ruffle/",
      logLevel: "error",
      socketProxy: [{ host, port, proxyUrl: `ws://${location.host}/socket.io/flash/proxy` }],
    },
  };
  loading = new Promise((resolve) => {
    const script = document.createElement("script");
    const timer = setTimeout(() => fail(), 15_000);
    const fail = () => {
      clearTimeout(timer);
      // without Ruffle the transport's probe must say "no Ruffle", not find a config and hang
      if (typeof window.RufflePlayer?.newest !== "function") delete window.RufflePlayer;
      resolve(false);
    };
    script.src = "/ruffle/ruffle.js";
    script.onload = () => {
      clearTimeout(timer);
      resolve(true);
    };
    script.onerror = fail;
    document.head.append(script);
  });
  return loading;
}

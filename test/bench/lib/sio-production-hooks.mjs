// Module resolve hooks (registered by sio-production.mjs): in Node, the "node" export condition of
// socket.io-client, engine.io-client and socket.io-parser points at build/esm-debug (debug() calls on every
// packet). The benchmark measures the peer at its best: its production build/esm, which runs in Node too.
const PACKAGES = new Set(["socket.io-client", "engine.io-client", "socket.io-parser"]);

export async function resolve(specifier, context, next) {
  if (PACKAGES.has(specifier)) {
    return { url: new URL(`../../../node_modules/${specifier}/build/esm/index.js`, import.meta.url).href, format: "module", shortCircuit: true };
  }
  return next(specifier, context);
}

// Loads socket.io-client's production build in Node (see sio-production-hooks.mjs for why).
import { register } from "node:module";

register(new URL("./sio-production-hooks.mjs", import.meta.url));

/** socket.io-client's `io`, production build. */
export async function loadSocketIoClient() {
  const mod = await import("socket.io-client");
  return mod.io;
}

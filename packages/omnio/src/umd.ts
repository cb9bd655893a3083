// The CDN build's entry: the global `io` is the preset's `io()`, with `io.connect` as in socket.io 0.9 and
// the classes reachable as socket.io-client's global exposes them.

import { Manager, Socket, io } from "./index.js";

const global = (url?: Parameters<typeof io>[0], options?: Parameters<typeof io>[1]) => io(url, options);
global.io = global;
global.connect = global;
global.Manager = Manager;
global.Socket = Socket;

export default global;

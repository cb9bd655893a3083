// The CDN build's entry: the global `io` is the preset's `io()`, with `io.io` and `io.connect` (as in
// socket.io 0.9) and the classes reachable as socket.io-client's global exposes them.

import { Manager, Socket, io } from "./index.js";

export default Object.assign(io, { io, connect: io, Manager, Socket });

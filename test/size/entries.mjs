// What `npm run size` and the dist tests bundle: small entry files written as a user would (import from the
// published package names, call the API), plus the peers measured the same way. Pure data and templates.

/** Transport packages: npm name, the factory it exports, the wire name. */
export const TRANSPORTS = [
  { pkg: "@omnio/websocket", dir: "websocket", factory: "websocket", wire: "websocket" },
  { pkg: "@omnio/polling", dir: "polling", factory: "polling", wire: "polling" },
  { pkg: "@omnio/xhr-multipart", dir: "xhr-multipart", factory: "xhrMultipart", wire: "xhr-multipart" },
  { pkg: "@omnio/iframe", dir: "iframe", factory: "iframe", wire: "htmlfile" },
  { pkg: "@omnio/jsonp", dir: "jsonp", factory: "jsonp", wire: "jsonp" },
  { pkg: "@omnio/flash-bridge", dir: "flash-bridge", factory: "flashBridge", wire: "flashsocket" },
];

/** Every package a browser bundle may import (the server is Node-only). */
export const CLIENT_PACKAGES = [{ pkg: "@omnio/client", dir: "client" }, ...TRANSPORTS, { pkg: "omnio", dir: "omnio" }];

// The feature set the 5 kB budget is about: connect, emit/on, acks both ways, a second namespace, reconnection
// options and events. Written once, used for every transport so the rows differ only by the transport.
const usage = (socket) => `
const socket = ${socket};
socket.on("news", (data, ack) => { ack?.("ok"); socket.emit("my other event", data, (answer) => console.log(answer)); });
socket.timeout(5000).emit("with timeout", 1, (err, answer) => console.log(err, answer));
socket.on("connect_error", (err) => console.log(err.message));
socket.io.on("reconnect_attempt", (n) => console.log("attempt", n));
const admin = socket.io.socket("/admin");
admin.on("connect", () => admin.emit("hello"));
export { socket, admin };
`;

const connectOptions = `{ reconnectionAttempts: 10, reconnectionDelay: 500, reconnectionDelayMax: 5000, transports: [TRANSPORTS] }`;

/** `@omnio/client` with the given transports, using the feature set above. */
export function clientEntry(transports) {
  const imports = transports.map((t) => `import { ${t.factory} } from "${t.pkg}";`).join("\n");
  const calls = transports.map((t) => `${t.factory}()`).join(", ");
  return `import { connect } from "@omnio/client";\n${imports}\n` + usage(`connect("https://example.com/chat", ${connectOptions.replace("TRANSPORTS", calls)})`);
}

/** The `omnio` preset, every transport. */
export const OMNIO_ENTRY = `import { io } from "omnio";\n` + usage(`io("https://example.com/chat", { reconnectionAttempts: 10 })`);

/** Peers, measured in the same run with the same build (esbuild, minify, browser, gzip). */
export const PEERS = [
  {
    id: "socket.io-client",
    pkg: "socket.io-client",
    source: `import { io } from "socket.io-client";\n` + usage(`io("https://example.com/chat", { reconnectionAttempts: 10 })`),
  },
  {
    id: "engine.io-client (WebSocket only)",
    pkg: "engine.io-client",
    // 6.6.8's ESM build has no SocketWithoutUpgrade; its Socket takes transport classes but imports the
    // default transport table anyway, so this is the least a user can bundle.
    source: `import { Socket, WebSocket } from "engine.io-client";
const socket = new Socket("https://example.com", { transports: [WebSocket] });
socket.on("message", (data) => socket.send(data));
export { socket };`,
  },
  {
    id: "sockjs-client",
    pkg: "sockjs-client",
    source: `import SockJS from "sockjs-client";
const sock = new SockJS("https://example.com/echo");
sock.onmessage = (e) => sock.send(e.data);
export { sock };`,
  },
  {
    id: "@microsoft/signalr",
    pkg: "@microsoft/signalr",
    source: `import { HubConnectionBuilder } from "@microsoft/signalr";
const connection = new HubConnectionBuilder().withUrl("https://example.com/chat").withAutomaticReconnect().build();
connection.on("news", (data) => connection.invoke("my other event", data));
connection.start();
export { connection };`,
  },
];

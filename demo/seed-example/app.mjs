// The seed's server example on @omnio/server: each new socket gets `news`, and what it answers with
// `my other event` is logged, as is its disconnect. `attachSeedExample(io, log)` wires it onto a Server.
import { readFile } from "node:fs/promises";

export const PAGE_URL = new URL("./index.html", import.meta.url);

/** @param {import("@omnio/server").Server} io @param {(line: string) => void} log */
export function attachSeedExample(io, log = console.log) {
  io.sockets.on("connection", (socket) => {
    log(`connection ${socket.id} (${socket.conn.transport})`);
    socket.emit("news", { hello: "world" });
    socket.on("my other event", (data) => log(`my other event ${JSON.stringify(data)}`));
    socket.on("disconnect", (reason) => log(`disconnect ${socket.id}: ${reason}`));
  });
}

/** An http request listener serving the example page at `/` (everything else 404). */
export function seedPage() {
  return async (req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path !== "/" && path !== "/index.html") {
      res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
      return res.end("Not found");
    }
    try {
      const html = await readFile(PAGE_URL);
      res.writeHead(200, { "Content-Type": "text/html; charset=UTF-8", "Cache-Control": "no-store" });
      res.end(html);
    } catch (error) {
      res.writeHead(500, { "Content-Type": "text/plain; charset=UTF-8" });
      res.end(`Cannot read the example page: ${error}`);
    }
  };
}

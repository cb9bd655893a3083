// The benchmark's servers, in a child process of `index.mjs` so their CPU never shares the measured client's
// thread: a stock socket.io@4.8 server, the @omnio/server reference server and a raw `ws` server (the ceiling),
// each on its own loopback port 0 (@omnio/server with every transport, the Flash bridge's SWF and socket proxy included). The two Socket.IO servers also serve the benchmark page (same origin, with
// COOP/COEP so the page is cross-origin isolated and gets 5 µs timers) and take the page's samples by POST,
// which this process relays to the parent. Stops when the parent says so or goes away, or after 15 minutes.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { Server as StockServer } from "socket.io";
import { WebSocketServer } from "ws";
import { Server as OmnioServer } from "../../packages/server/dist/index.mjs";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
/** Only these trees are served: the page, built packages and the peers' browser bundles. */
const SERVED = [/^\/test\/bench\/page\//, /^\/packages\/[a-z-]+\/dist\//, /^\/node_modules\/(mitt|socket\.io-client)\/dist\//, /^\/node_modules\/@ruffle-rs\/ruffle\//];
const TYPES = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".mjs": "text/javascript", ".map": "application/json", ".wasm": "application/wasm" };
const now = () => performance.timeOrigin + performance.now();
const send = (msg) => process.connected && process.send(msg);

/** Static files and the samples endpoint; everything else is left to the Socket.IO server on the same port. */
async function pageRoutes(req, res) {
  const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
  if (req.method === "POST" && path === "/bench/samples") {
    let body = "";
    req.setEncoding("utf8");
    for await (const chunk of req) if ((body += chunk).length > 16e6) return res.destroy();
    res.writeHead(204).end();
    try {
      send({ type: "samples", data: JSON.parse(body) });
    } catch (error) {
      send({ type: "samples", data: { error: `bad samples body: ${error}` } });
    }
    return;
  }
  const file = normalize(join(ROOT, path));
  if (!SERVED.some((re) => re.test(path)) || !file.startsWith(ROOT + sep)) return res.writeHead(404).end("not found");
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return res.writeHead(404).end("not found");
  res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
  res.end(await readFile(file));
}

/** Every response (pages, the htmlfile iframe, polling) carries the isolation headers, whoever writes it. */
function isolated(server) {
  const emit = server.emit;
  server.emit = function (event, req, res) {
    if (event === "request") {
      res.setHeader("Cross-Origin-Opener-Policy", "same-origin");
      res.setHeader("Cross-Origin-Embedder-Policy", "require-corp");
      res.setHeader("Cross-Origin-Resource-Policy", "same-origin");
    }
    return emit.apply(this, arguments);
  };
  return server;
}

/** The same handlers on both Socket.IO servers (their APIs match). */
function behave(io) {
  io.on("connection", (s) => {
    let count = 0;
    let timer;
    s.emit("welcome", { sent: now() });
    s.on("e", () => count++);
    s.on("end", (cb) => {
      cb(count);
      count = 0;
    });
    s.on("ack", (x, cb) => cb(x));
    // Server → client latency: `n` events `intervalMs` apart, each with its send time on the shared clock.
    s.on("steady", ({ n, intervalMs }) => {
      clearInterval(timer);
      let i = 0;
      timer = setInterval(() => {
        s.emit("t", { i, sent: now() });
        if (++i >= n) clearInterval(timer);
      }, intervalMs);
    });
    s.on("burst", ({ n }) => {
      for (let i = 0; i < n; i++) s.emit("t", { i, sent: now() });
    });
    s.on("disconnect", () => clearInterval(timer));
  });
}

async function listen(server) {
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return `http://127.0.0.1:${server.address().port}`;
}

const stockHttp = isolated(createServer(pageRoutes));
const stock = new StockServer(stockHttp, { serveClient: false });
behave(stock);
const omnioHttp = isolated(createServer(pageRoutes));
const omnio = new OmnioServer(omnioHttp, { serveClient: false });
behave(omnio);

// Raw ws: one frame per event. "end" answers the count; "p…" is echoed (ping-pong round trip).
const rawHttp = createServer((_req, res) => res.writeHead(404).end());
const raw = new WebSocketServer({ server: rawHttp });
raw.on("connection", (ws) => {
  let count = 0;
  ws.on("message", (data, isBinary) => {
    if (isBinary) return void count++;
    if (data[0] === 0x70 /* p */) return ws.send(data.toString());
    if (data.length === 3 && data.toString() === "end") {
      ws.send(String(count));
      count = 0;
    } else count++;
  });
});

const origins = { stock: await listen(stockHttp), omnio: await listen(omnioHttp), raw: (await listen(rawHttp)).replace("http", "ws") };

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  for (const s of [stockHttp, omnioHttp, rawHttp]) s.closeAllConnections?.();
  stock.close();
  omnio.close?.();
  raw.close();
  for (const s of [stockHttp, omnioHttp, rawHttp]) s.close();
  setTimeout(() => process.exit(0), 500).unref();
}
process.on("message", (msg) => msg?.type === "exit" && stop());
process.on("disconnect", stop);
setTimeout(stop, 15 * 60_000).unref();
send({ type: "ready", origins });

// A plain target server for proving the fault proxy: no omnio inside, just routes whose behaviour a test
// knows byte for byte. HTTP: /hello, /echo (POST body back), /stream (a chunk every 20 ms, then end);
// WebSocket on any path: echo, or ?mode=burst&count=N&size=S (N messages of S bytes at once), or
// ?mode=tick (a 10-byte message every 20 ms).
import { createServer, type Server } from "node:http";
import { EventEmitter } from "node:events";
import type { AddressInfo } from "node:net";
import { WebSocketServer, type WebSocket } from "ws";

/** Every /stream chunk is this many bytes: `chunk-07\n`. */
export const CHUNK_BYTES = 9;
export const chunkText = (i: number): string => `chunk-${String(i).padStart(2, "0")}\n`;

export interface TargetEvents {
  request: [url: string];
  upgrade: [url: string];
  /** /stream is about to call res.end() (emitted before the last bytes leave). */
  "stream-end": [];
  /** /stream's response closed; `finished` false means someone cut it before the end. */
  "stream-close": [finished: boolean];
  /** A WebSocket connection to the target closed. */
  "ws-close": [code: number];
}

export interface FaultTarget {
  origin: string;
  port: number;
  server: Server;
  wss: WebSocketServer;
  events: EventEmitter<TargetEvents>;
  /** URLs of plain requests and of upgrades the target saw. */
  requests: string[];
  upgrades: string[];
  /** If set, /stream waits for it before writing chunk `index` (≥ 1), on top of the 20 ms pacing. */
  gate: ((index: number) => Promise<void>) | null;
  close(): Promise<void>;
}

export async function startFaultTarget(): Promise<FaultTarget> {
  const events = new EventEmitter<TargetEvents>();
  const server = createServer();
  const target: FaultTarget = {
    origin: "",
    port: 0,
    server,
    wss: new WebSocketServer({ server }),
    events,
    requests: [],
    upgrades: [],
    gate: null,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of target.wss.clients) client.terminate();
        target.wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };

  server.on("request", (req, res) => {
    const url = new URL(req.url ?? "/", "http://target.invalid");
    target.requests.push(req.url ?? "/");
    events.emit("request", req.url ?? "/");
    if (url.pathname === "/hello") {
      res.writeHead(200, { "Content-Type": "text/plain" }).end("hello");
    } else if (url.pathname === "/echo") {
      const body: Buffer[] = [];
      req.on("data", (chunk: Buffer) => body.push(chunk));
      req.on("end", () => res.writeHead(200, { "Content-Type": "application/octet-stream" }).end(Buffer.concat(body)));
    } else if (url.pathname === "/stream") {
      const total = Number(url.searchParams.get("n") ?? 10);
      let index = 0;
      let timer: NodeJS.Timeout | undefined;
      res.on("close", () => {
        clearTimeout(timer);
        events.emit("stream-close", res.writableFinished);
      });
      res.writeHead(200, { "Content-Type": "text/plain", "Cache-Control": "no-store" });
      const next = async () => {
        if (res.destroyed) return;
        if (index > 0 && target.gate) await target.gate(index);
        if (res.destroyed) return;
        res.write(chunkText(index));
        index += 1;
        if (index < total) {
          timer = setTimeout(() => void next(), 20);
        } else {
          events.emit("stream-end");
          res.end();
        }
      };
      void next();
    } else {
      res.writeHead(404).end("not found");
    }
  });

  target.wss.on("connection", (socket: WebSocket, req) => {
    const url = new URL(req.url ?? "/", "http://target.invalid");
    target.upgrades.push(req.url ?? "/");
    events.emit("upgrade", req.url ?? "/");
    socket.on("close", (code) => events.emit("ws-close", code));
    socket.on("error", () => socket.terminate());
    const mode = url.searchParams.get("mode") ?? "echo";
    if (mode === "burst") {
      const size = Number(url.searchParams.get("size") ?? 10);
      const count = Number(url.searchParams.get("count") ?? 10);
      for (let i = 0; i < count; i++) socket.send("x".repeat(size));
    } else if (mode === "tick") {
      const timer = setInterval(() => socket.send("tick-tick!"), 20);
      socket.on("close", () => clearInterval(timer));
    } else {
      socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
    }
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  target.port = (server.address() as AddressInfo).port;
  target.origin = `http://127.0.0.1:${target.port}`;
  return target;
}

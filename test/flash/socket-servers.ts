// Loopback servers for the bridge.swf test: the WebSocket server the bridge talks to (`ws`), a raw TCP server
// that answers handshakes wrongly on purpose, the websockify-style pipe Ruffle carries Flash sockets over
// (WebSocket binary frames ↔ TCP, PROTOCOL.md §6), and an HTTP CONNECT proxy. All on port 0, all closed by close().
import { createServer, type IncomingMessage, type Server } from "node:http";
import { createServer as createTcpServer, connect as tcpConnect, type Server as TcpServer, type Socket } from "node:net";
import { createHash } from "node:crypto";
import type { AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { WebSocketServer, type WebSocket, type RawData } from "ws";

/** One connection to the target ws server, with everything it received since it opened. */
export interface TargetConnection {
  ws: WebSocket;
  req: IncomingMessage;
  messages: string[];
  binaryReceived: number;
  pongs: string[];
  closed: Promise<{ code: number; reason: string }>;
}

/** Hands out connections per request path, whether they arrived before or after someone asked. */
class ConnectionQueue {
  private ready = new Map<string, TargetConnection[]>();
  private waiting = new Map<string, Array<(c: TargetConnection) => void>>();

  push(path: string, conn: TargetConnection): void {
    const waiter = this.waiting.get(path)?.shift();
    if (waiter) waiter(conn);
    else this.ready.set(path, [...(this.ready.get(path) ?? []), conn]);
  }

  take(path: string, ms: number): Promise<TargetConnection> {
    const early = this.ready.get(path)?.shift();
    if (early) return Promise.resolve(early);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const list = this.waiting.get(path) ?? [];
        list.splice(list.indexOf(done), 1);
        reject(new Error(`no WebSocket connection to ${path} within ${ms} ms`));
      }, ms);
      const done = (c: TargetConnection) => {
        clearTimeout(timer);
        resolve(c);
      };
      this.waiting.set(path, [...(this.waiting.get(path) ?? []), done]);
    });
  }
}

export interface SocketServers {
  wsPort: number;
  rawPort: number;
  proxyPort: number;
  connectProxyPort: number;
  /** Connections to the ws server by path; connections to "/echo" answer every message with itself. */
  takeConnection(path: string, ms?: number): Promise<TargetConnection>;
  /** Resolves once no WebSocket is open on the socket proxy (every Flash socket released); rejects after `ms`. */
  proxyIdle(ms?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSocketServers(): Promise<SocketServers> {
  const sockets = new Set<Socket>();
  const track = (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  };

  // 1. The real WebSocket server (what a Flash socket would reach through the bridge).
  const wsHttp = createServer();
  wsHttp.on("connection", track);
  const wss = new WebSocketServer({ server: wsHttp, handleProtocols: (protocols) => (protocols.has("chat") ? "chat" : false) });
  const queue = new ConnectionQueue();
  wss.on("connection", (ws, req) => {
    const messages: string[] = [];
    const pongs: string[] = [];
    const conn: TargetConnection = {
      ws,
      req,
      messages,
      binaryReceived: 0,
      pongs,
      closed: new Promise((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: reason.toString() }))),
    };
    const path = new URL(req.url ?? "/", "http://x").pathname;
    ws.on("message", (data: RawData, isBinary) => {
      if (isBinary) conn.binaryReceived++;
      const text = data.toString();
      messages.push(text);
      if (path === "/echo") ws.send(text);
    });
    ws.on("pong", (data) => pongs.push(data.toString()));
    ws.on("error", () => {});
    queue.push(path, conn);
  });

  // 2. A raw TCP "server" that answers the handshake in broken ways, picked by the request path.
  const raw = createTcpServer((socket) => {
    track(socket);
    socket.on("error", () => {});
    let head = "";
    socket.on("data", (chunk) => {
      if (head.includes("\r\n\r\n")) return;
      head += chunk.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const path = head.split(" ")[1] ?? "/";
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
      const accept = createHash("sha1").update(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64");
      const ok = `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`;
      switch (path) {
        case "/bad-accept":
          socket.end(ok.replace(accept, "AAAAAAAAAAAAAAAAAAAAAAAAAAA="));
          break;
        case "/refused":
          socket.end("HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n");
          break;
        case "/garbage":
          socket.end("\x00\xff\x13 this is not HTTP at all\r\n\r\n");
          break;
        case "/masked":
          // A masked text frame "hi" from the server: RFC 6455 §5.1 says fail with 1002.
          socket.write(ok);
          socket.write(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x68 ^ 1, 0x69 ^ 2]));
          break;
        case "/bad-utf8":
          socket.write(ok);
          socket.write(Buffer.from([0x81, 0x02, 0xc3, 0x28]));
          break;
        case "/silent":
          socket.write(ok); // then says nothing and never answers a close frame
          break;
        default:
          socket.end("HTTP/1.1 404 Not Found\r\n\r\n");
      }
    });
  });

  // 3. Ruffle's socket proxy: each WebSocket is one TCP connection to ?target=<port> on 127.0.0.1; with ?chop=1
  //    the TCP bytes go to the browser in 1–3 byte WebSocket messages, so frames and UTF-8 sequences arrive split.
  const proxyHttp = createServer();
  proxyHttp.on("connection", track);
  const proxy = new WebSocketServer({ server: proxyHttp });
  const proxyEvents = new EventEmitter();
  proxy.on("connection", (ws, req) => {
    ws.on("close", () => proxyEvents.emit("closed"));
    const query = new URL(req.url ?? "/", "http://x").searchParams;
    const chop = query.get("chop") === "1";
    const tcp = tcpConnect(Number(query.get("target")), "127.0.0.1");
    track(tcp);
    ws.on("message", (data: RawData, isBinary) => {
      if (isBinary) tcp.write(data as Buffer);
    });
    tcp.on("data", (chunk) => {
      if (!chop) return ws.send(chunk);
      for (let at = 0, size = 1; at < chunk.length; at += size, size = (size % 3) + 1) ws.send(chunk.subarray(at, at + size));
    });
    ws.on("close", () => tcp.end());
    ws.on("error", () => tcp.destroy());
    tcp.on("close", () => ws.close());
    tcp.on("error", () => ws.terminate());
  });

  // 4. An HTTP CONNECT proxy (the bridge's proxyHost/proxyPort).
  const connectProxy = createServer((_req, res) => res.writeHead(405).end());
  connectProxy.on("connection", track);
  connectProxy.on("connect", (req, client: Socket) => {
    const [host, port] = (req.url ?? "").split(":");
    const upstream = tcpConnect(Number(port), host);
    track(upstream);
    upstream.on("connect", () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on("error", () => client.destroy());
    client.on("error", () => upstream.destroy());
  });

  const listen = (server: Server | TcpServer) =>
    new Promise<number>((ok) => server.listen(0, "127.0.0.1", () => ok((server.address() as AddressInfo).port)));
  const [wsPort, rawPort, proxyPort, connectProxyPort] = await Promise.all([
    listen(wsHttp),
    listen(raw),
    listen(proxyHttp),
    listen(connectProxy),
  ]);

  return {
    wsPort,
    rawPort,
    proxyPort,
    connectProxyPort,
    takeConnection: (path, ms = 20_000) => queue.take(path, ms),
    proxyIdle: (ms = 15_000) =>
      new Promise<void>((resolve, reject) => {
        const check = () => {
          if (proxy.clients.size > 0) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${proxy.clients.size} socket proxy connection(s) still open after ${ms} ms`));
        }, ms);
        const cleanup = () => {
          clearTimeout(timer);
          proxyEvents.off("closed", check);
        };
        proxyEvents.on("closed", check);
        check();
      }),
    async close() {
      for (const client of [...wss.clients, ...proxy.clients]) client.terminate();
      for (const socket of sockets) socket.destroy();
      wss.close();
      proxy.close();
      await Promise.all(
        [wsHttp, raw, proxyHttp, connectProxy].map((s) => new Promise<void>((ok) => s.close(() => ok()))),
      );
    },
  };
}

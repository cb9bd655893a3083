// The socket proxy Ruffle needs: Ruffle carries a Flash socket over a WebSocket whose binary frames are the raw
// TCP bytes (`RufflePlayer.config.socketProxy[].proxyUrl`). This endpoint pipes such a WebSocket to ONE place
// only: this http.Server's own listener, where the flashsocket transport lives. A target named in the request
// (websockify's `?host=&port=`, or `?target=`) is accepted only when it is that same listener, anything else is
// refused: the proxy is no open relay. @see ../../../shared/PROTOCOL.md §6 "Flash today: Ruffle"
import type { IncomingMessage, Server as HttpServer } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Logger } from "./logger.js";

/** Bytes queued towards the browser before the TCP side is paused (a page that stops reading). */
const HIGH_WATER = 1 << 20;
const CONNECT_TIMEOUT_MS = 10_000;

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** Where the proxy connects: the server's own listener (a wildcard address becomes loopback). */
export function ownTarget(http: HttpServer): { host: string; port: number } | undefined {
  const address = http.address() as AddressInfo | string | null;
  if (!address || typeof address === "string") return undefined;
  const host = address.address === "::" ? "::1" : address.address === "0.0.0.0" ? "127.0.0.1" : address.address;
  return { host, port: address.port };
}

const LOOPBACK = ["127.0.0.1", "::1", "localhost"];

/** Why a request naming its own target is refused, or undefined when the target is this server. */
export function targetRefusal(query: URLSearchParams, own: { host: string; port: number }): string | undefined {
  let host = query.get("host");
  let port = query.get("port");
  const target = query.get("target");
  if (target !== null) {
    const m = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(target);
    if (!m) {
      if (!/^\d+$/.test(target)) return `target "${target.slice(0, 80)}" is not host:port`;
      port = target;
    } else {
      host = m[1] ?? m[2] ?? null;
      port = m[3]!;
    }
  }
  if (port !== null && port !== String(own.port)) return `port ${port.slice(0, 12)} is not this server's (${own.port})`;
  if (host !== null) {
    const h = host.replace(/^\[|\]$/g, "").toLowerCase();
    const same = h === own.host || (LOOPBACK.includes(h) && LOOPBACK.includes(own.host));
    if (!same) return `host "${host.slice(0, 80)}" is not this server (${own.host})`;
  }
  return undefined;
}

/**
 * Serves the proxy at `path` on `http`. Upgrade listeners already there are wrapped, not joined: the proxy sees
 * each upgrade first and hands the others on, so "nobody else listens" checks downstream stay true. Returns the undo.
 */
export function attachFlashProxy(http: HttpServer, path: string, logger: Logger): () => void {
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: true, maxPayload: HIGH_WATER });
  const pipes = new Set<Socket>();
  const previous = http.listeners("upgrade") as UpgradeListener[];
  http.removeAllListeners("upgrade");
  const listener: UpgradeListener = (req, socket, head) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    if ((q < 0 ? url : url.slice(0, q)) !== path) {
      for (const l of previous) l.call(http, req, socket, head);
      return;
    }
    socket.on("error", (error) => logger.debug("flash proxy: upgrade socket error", { error }));
    const own = ownTarget(http);
    const refusal = own ? targetRefusal(new URLSearchParams(q < 0 ? "" : url.slice(q + 1)), own) : "the server is not listening on TCP";
    if (refusal || !own) {
      logger.warn(`flash proxy: refused ${url.slice(0, 200)}: ${refusal}`, { address: req.socket.remoteAddress });
      const body = `flash proxy: ${refusal}; it connects only to this server\n`;
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => pipe(ws, own, pipes, logger));
  };
  http.on("upgrade", listener);
  return () => {
    http.removeListener("upgrade", listener);
    for (const l of previous) http.on("upgrade", l);
    for (const ws of wss.clients) ws.terminate();
    for (const tcp of pipes) tcp.destroy();
    wss.close();
  };
}

/** WebSocket binary frames ↔ one TCP connection; either side ending ends the other. */
function pipe(ws: WebSocket, target: { host: string; port: number }, pipes: Set<Socket>, logger: Logger): void {
  const tcp = connect({ host: target.host, port: target.port, timeout: CONNECT_TIMEOUT_MS });
  pipes.add(tcp);
  tcp.setNoDelay(true);
  tcp.on("connect", () => tcp.setTimeout(0));
  tcp.on("timeout", () => tcp.destroy(new Error(`connect to ${target.host}:${target.port} timed out`)));
  // Ruffle ignores text frames, and so does the proxy: only binary frames are TCP bytes.
  ws.on("message", (data: RawData, isBinary) => {
    if (!isBinary || tcp.destroyed) return;
    tcp.write(Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data));
  });
  tcp.on("data", (chunk) => {
    if (ws.readyState !== ws.OPEN) return;
    ws.send(chunk, { binary: true });
    if (ws.bufferedAmount > HIGH_WATER) {
      tcp.pause();
      const resume = (): void => {
        if (ws.bufferedAmount > HIGH_WATER / 2 && ws.readyState === ws.OPEN) return void setTimeout(resume, 10);
        tcp.resume();
      };
      setTimeout(resume, 10);
    }
  });
  ws.on("close", () => tcp.end());
  ws.on("error", (error) => {
    logger.debug("flash proxy: websocket error", { error });
    tcp.destroy();
  });
  tcp.on("close", () => {
    pipes.delete(tcp);
    if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING) ws.close(1000);
  });
  tcp.on("error", (error) => {
    logger.warn(`flash proxy: TCP to ${target.host}:${target.port} failed`, { error });
    ws.close(1011);
  });
}

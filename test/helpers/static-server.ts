// A small HTTP server on loopback port 0 for browser tests: serves files of the repository (dist builds,
// test pages, node_modules assets) and lets a test add its own routes first. Close it in afterAll.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { AddressInfo } from "node:net";

export const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".cjs": "text/javascript; charset=utf-8",
  ".map": "application/json",
  ".json": "application/json",
  ".css": "text/css",
  ".wasm": "application/wasm",
  ".swf": "application/x-shockwave-flash",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export type Route = (req: IncomingMessage, res: ServerResponse) => boolean | Promise<boolean>;

export interface StaticServer {
  server: Server;
  /** e.g. http://127.0.0.1:41234 */
  origin: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Serves `root` (default: the repository). `routes` run first; one returning true has answered.
 * `host` defaults to 127.0.0.1; use "localhost" or "::1" for a second origin.
 */
export async function startStaticServer(
  options: { root?: string; routes?: Route[]; host?: string; server?: Server } = {},
): Promise<StaticServer> {
  const root = options.root ?? REPO_ROOT;
  const routes = options.routes ?? [];
  const server = options.server ?? createServer();
  server.on("request", async (req, res) => {
    try {
      for (const route of routes) if (await route(req, res)) return;
      if (res.headersSent || res.writableEnded) return;
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      const file = normalize(join(root, path));
      if (file !== root && !file.startsWith(root + sep)) return notFound(res);
      const info = await stat(file).catch(() => undefined);
      if (!info?.isFile()) return notFound(res);
      res.writeHead(200, { "Content-Type": TYPES[extname(file)] ?? "application/octet-stream", "Cache-Control": "no-store" });
      res.end(await readFile(file));
    } catch (error) {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(error));
    }
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((ok) => server.listen(0, host, ok));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  return {
    server,
    origin,
    port,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}

function notFound(res: ServerResponse) {
  res.writeHead(404, { "Content-Type": "text/plain" });
  res.end("not found");
}

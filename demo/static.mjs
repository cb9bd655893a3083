// The demo's plain HTTP side: the chat page and its assets (demo/public), Ruffle's files for the Flash socket
// (from the @ruffle-rs/ruffle package, when installed), and the seed's example at /example. Engine.IO requests
// and /socket.io/socket.io.js never reach this: @omnio/server answers them first.
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { PAGE_URL as SEED_PAGE } from "./seed-example/app.mjs";

const PUBLIC = fileURLToPath(new URL("./public/", import.meta.url));

const TYPES = {
  ".html": "text/html; charset=UTF-8",
  ".js": "text/javascript; charset=UTF-8",
  ".css": "text/css; charset=UTF-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=UTF-8",
};

/** Where Ruffle's files are, or null when the package is not installed (the Flash socket then says so). */
export function ruffleDir() {
  try {
    return dirname(createRequire(import.meta.url).resolve("@ruffle-rs/ruffle/package.json"));
  } catch {
    return null;
  }
}

/** An http request listener for everything that is not Engine.IO. */
export function staticSite() {
  const ruffle = ruffleDir();
  return async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return send(res, 405, "text/plain; charset=UTF-8", "GET only");
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      if (path === "/" || path === "/index.html") return await sendFile(res, join(PUBLIC, "index.html"));
      if (path === "/example" || path === "/example/") return await sendFile(res, fileURLToPath(SEED_PAGE));
      if (path.startsWith("/app/")) return await sendUnder(res, PUBLIC, path.slice("/app/".length));
      if (path.startsWith("/ruffle/") && ruffle) return await sendUnder(res, ruffle, path.slice("/ruffle/".length), "public, max-age=3600");
      send(res, 404, "text/plain; charset=UTF-8", "Not found");
    } catch (error) {
      if (!res.headersSent) send(res, 500, "text/plain; charset=UTF-8", `Internal error: ${error}`);
      else res.destroy();
    }
  };
}

/** `rel` inside `root` only: `..` and absolute paths are refused. */
async function sendUnder(res, root, rel, cache) {
  const file = normalize(join(root, rel));
  if (!file.startsWith(root.endsWith(sep) ? root : root + sep)) return send(res, 404, "text/plain; charset=UTF-8", "Not found");
  return sendFile(res, file, cache);
}

async function sendFile(res, file, cache = "no-store") {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return send(res, 404, "text/plain; charset=UTF-8", "Not found");
  const body = await readFile(file);
  res.writeHead(200, {
    "Content-Type": TYPES[extname(file)] ?? "application/octet-stream",
    "Content-Length": body.length,
    "Cache-Control": cache,
    "X-Content-Type-Options": "nosniff",
  });
  res.end(res.req?.method === "HEAD" ? undefined : body);
}

function send(res, status, type, text) {
  res.writeHead(status, { "Content-Type": type, "Cache-Control": "no-store" });
  res.end(text);
}

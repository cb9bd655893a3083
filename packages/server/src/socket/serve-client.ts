// Serves the browser client (omnio's UMD build, global `io`) at `<path>socket.io.js`, as socket.io serves its
// own client there. The file is found when requested, not at startup: the server works (and says how to fix
// it) before `npm run build` has produced it.
import { createRequire } from "node:module";
import { readFile, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "../logger.js";

/** URL file name → file in omnio's dist. */
const FILES: Record<string, string> = {
  "socket.io.js": "omnio.min.js",
  "socket.io.min.js": "omnio.min.js",
  "socket.io.js.map": "omnio.min.js.map",
  "socket.io.min.js.map": "omnio.min.js.map",
  // what the file's own `//# sourceMappingURL=` comment asks for, resolved next to the served script
  "omnio.min.js.map": "omnio.min.js.map",
};

function distDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("omnio/package.json")), "dist");
}

/** A request handler for `path` (with trailing slash): true when the request was for the client script. */
export function clientScriptHandler(path: string, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const url = req.url ?? "";
    const q = url.indexOf("?");
    const pathname = q < 0 ? url : url.slice(0, q);
    if (!pathname.startsWith(path)) return false;
    const file = FILES[pathname.slice(path.length)];
    if (!file || (req.method !== "GET" && req.method !== "HEAD")) return false;
    serve(file, req, res).catch((error: unknown) => {
      logger.warn("serving the client script failed", { file, error });
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain; charset=UTF-8" });
      if (!res.writableEnded) res.end("Internal server error");
    });
    return true;
  };
}

async function serve(name: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let file: string;
  try {
    file = join(distDir(), name);
  } catch {
    return notBuilt(res, "the omnio package cannot be resolved");
  }
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return notBuilt(res, `${file} does not exist`);
  const etag = `"${info.size.toString(36)}-${Math.floor(info.mtimeMs).toString(36)}"`;
  const headers = {
    "Content-Type": name.endsWith(".map") ? "application/json; charset=UTF-8" : "application/javascript; charset=UTF-8",
    "Cache-Control": "public, max-age=0, must-revalidate",
    ETag: etag,
  };
  if (req.headers["if-none-match"] === etag) {
    res.writeHead(304, headers);
    return void res.end();
  }
  const body = await readFile(file);
  res.writeHead(200, { ...headers, "Content-Length": body.length });
  res.end(req.method === "HEAD" ? undefined : body);
}

function notBuilt(res: ServerResponse, why: string): void {
  res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
  res.end(`The omnio client script is not built (${why}). Run \`npm run build\` at the repository root.\n`);
}

// Serves bridge.swf (the Flash socket bridge shipped by @omnio/flash-bridge) at `<path>flash/bridge.swf`, the
// default `swfUrl` of the client's flashBridge(). Found when requested, not at startup.
import { createRequire } from "node:module";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "./logger.js";

export const SWF_FILE = "flash/bridge.swf";

function swfPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("@omnio/flash-bridge/package.json")), "bridge.swf");
}

/** A request handler (for interceptRequests): true when the request was for the SWF. */
export function swfHandler(path: string, logger: Logger): (req: IncomingMessage, res: ServerResponse) => boolean {
  const url = path + SWF_FILE;
  return (req, res) => {
    const raw = req.url ?? "";
    const q = raw.indexOf("?");
    if ((q < 0 ? raw : raw.slice(0, q)) !== url || (req.method !== "GET" && req.method !== "HEAD")) return false;
    readFile(swfPath()).then(
      (body) => {
        res.writeHead(200, {
          "Content-Type": "application/x-shockwave-flash",
          "Content-Length": body.length,
          "Cache-Control": "public, max-age=3600",
          "X-Content-Type-Options": "nosniff",
        });
        res.end(req.method === "HEAD" ? undefined : body);
      },
      (error: unknown) => {
        logger.warn("serving bridge.swf failed", { error });
        res.writeHead(404, { "Content-Type": "text/plain; charset=UTF-8" });
        res.end("bridge.swf not found: is @omnio/flash-bridge installed?\n");
      },
    );
    return true;
  };
}

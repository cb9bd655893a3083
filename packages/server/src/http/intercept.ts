// Puts a handler in front of an http.Server's existing "request" listeners: the handler answers what is
// its own (returns true) and everything else goes to the app's listeners untouched — which is how the server
// shares an Express app's http.Server. Returns the undo.
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

export function interceptRequests(server: HttpServer, handler: RequestHandler): () => void {
  const previous = server.listeners("request") as Listener[];
  server.removeAllListeners("request");
  const listener: Listener = (req, res) => {
    if (handler(req, res)) return;
    for (const app of previous) app.call(server, req, res);
  };
  server.on("request", listener);
  return () => {
    server.removeListener("request", listener);
    for (const app of previous) server.on("request", app);
  };
}

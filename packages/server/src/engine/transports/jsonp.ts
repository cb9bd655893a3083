// JSONP polling, server side: polling whose GET answers are scripts `___eio[<j>]("<payload>");` and whose
// POSTs are forms (`application/x-www-form-urlencoded`, field `d`, newlines escaped by the client).
// Unlike stock engine.io it serves the script as `application/javascript` with `nosniff` and escapes `<`, so
// it works behind a nosniff policy and no payload can end a script even if a page inlined it.
// @see ../../../../../shared/PROTOCOL.md §3

import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError } from "@omnio/client";
import { ErrorCode, RequestRejection, rejectRequest } from "../http-errors.js";
import { PollingTransport } from "./polling.js";
import type { HttpTransportDefinition } from "./server-transport.js";

/** What a JSON string may still contain that must not reach a script: `<` (`</script>`, `<!--`), U+2028/9. */
const UNSAFE_IN_SCRIPT = /[<\u2028\u2029]/g;

/** `payload` as a JavaScript string literal that is safe inside any script, external or inlined. */
export function scriptString(payload: string): string {
  return JSON.stringify(payload).replace(UNSAFE_IN_SCRIPT, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/**
 * Reverse the client's newline escaping exactly as stock engine.io does: `\\n` (escaped literal) → `\n`,
 * any other `\n` → LF, scanning left to right. (Lossy for a backslash right before a LF in the original:
 * that arrives as a literal `\n`; Socket.IO's JSON never contains a raw LF.)
 */
export function unescapeNewlines(value: string): string {
  return value.replace(/\\\\n|\\n/g, (match) => (match.length === 3 ? "\\n" : "\n"));
}

export class JsonpTransport extends PollingTransport {
  /** The callback index each held GET asked for (digits only), by response. */
  private readonly callbacks = new WeakMap<ServerResponse, string>();

  override handleRequest(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (req.method === "GET") {
      const index = (query.get("j") ?? "").replace(/\D/g, "").slice(0, 16);
      if (!index) {
        this.init.logger.warn("jsonp: GET without a numeric j", { sid: this.init.sid });
        return rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "jsonp GET without a numeric j"));
      }
      this.callbacks.set(res, index);
    }
    super.handleRequest(req, res, query);
  }

  protected override writePayload(res: ServerResponse, payload: string): void {
    const script = `___eio[${this.callbacks.get(res) ?? "0"}](${scriptString(payload)});`;
    res.writeHead(200, {
      "Content-Type": "application/javascript; charset=UTF-8",
      "Content-Length": Buffer.byteLength(script),
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
    res.end(script);
  }

  protected override readPayload(body: string): string {
    // URLSearchParams decodes exactly what a form sends: `+` as space, percent-encoded UTF-8.
    const data = new URLSearchParams(body).get("d");
    if (data === null) throw new ProtocolError("JSONP POST without a `d` field");
    return unescapeNewlines(data);
  }
}

export const jsonpDefinition: HttpTransportDefinition = {
  name: "jsonp",
  wire: "polling",
  // Every JSONP request carries `j` (stock clients and ours), which is what tells it from plain polling.
  matches: (query) => query.has("j"),
  kind: "http",
  handshake: true,
  // Below polling: a JSONP session may upgrade to anything better with another wire name.
  rank: 5,
  create: (init) => new JsonpTransport(init),
};

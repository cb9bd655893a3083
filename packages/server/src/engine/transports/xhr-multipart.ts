// AJAX multipart streaming, server side: the stream GET is a `multipart/mixed` response, one part per flush
// (`\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n<payload>\r\n--B`), ended with `--`. Everything else
// (POST as polling, probe on the stream, 128 KiB cycling, one stream at a time) is StreamingTransport's.
// @see PROTOCOL.md §4, https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1
//
// The boundary never appears inside a part: a payload is arbitrary text (a raw Engine.IO message may hold
// CRLF and dashes), so no boundary alphabet is safe by construction. Instead each stream gets a fresh random
// boundary (96 random bits: a peer can't guess it), and every payload is checked for the delimiter before it
// is written; one that contains it (only a peer that read the header and echoes it back can cause that) ends
// the stream, and goes out on the next one, under another boundary.
import { randomBytes } from "node:crypto";
import type { HttpTransportDefinition } from "./server-transport.js";
import { StreamingTransport, type StreamFormat } from "./streaming.js";

export const PART_HEADERS = "Content-Type: text/plain; charset=UTF-8";

/** The body format of one multipart stream with `boundary`. */
export function multipartFormat(boundary: string): StreamFormat {
  const delimiter = "--" + boundary;
  return {
    headers: { "Content-Type": `multipart/mixed; boundary="${boundary}"` },
    prelude: delimiter,
    frame: (payload) => (payload.includes(delimiter) ? undefined : `\r\n${PART_HEADERS}\r\n\r\n${payload}\r\n${delimiter}`),
    epilogue: "--",
  };
}

/** A fresh boundary: RFC 2046 `bchars` only (hex digits and a dash), well under its 70-character limit. */
export function newBoundary(): string {
  return "omnio-" + randomBytes(12).toString("hex");
}

export class XhrMultipartTransport extends StreamingTransport {
  readonly name = "xhr-multipart";

  protected format(): StreamFormat {
    return multipartFormat(newBoundary());
  }
}

export const xhrMultipartDefinition: HttpTransportDefinition = {
  name: "xhr-multipart",
  wire: "xhr-multipart",
  kind: "http",
  handshake: true,
  // streaming: above polling (10), below websocket (100); htmlfile sits just below (it needs an iframe)
  rank: 50,
  create: (init) => new XhrMultipartTransport(init),
};

// Incremental `multipart/mixed` parser: fed text as it arrives (any split: inside a boundary, inside the part
// headers, anywhere), it hands out each part's body as soon as the delimiter after it arrived, so a part is
// dispatched without waiting for the next one. Works on decoded text: byte-level splits (inside a UTF-8
// sequence) are the decoder's job (TextDecoder `stream: true`, or the browser's responseText).
// @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1  and  PROTOCOL.md §4

import { ProtocolError } from "@omnio/client";

export interface MultipartParser {
  /** The closing delimiter (`--boundary--`) was seen: the stream ended on purpose. */
  readonly done: boolean;
  /** Feeds more text; returns the bodies of the parts it completed, in order. Throws ProtocolError. */
  push(text: string): string[];
}

/** A parser for a body of this Content-Type; throws ProtocolError unless it is multipart/mixed with a boundary. */
export function multipartParser(contentType: string | null): MultipartParser {
  const boundary = /^multipart\/mixed\s*;.*?\bboundary="?([^";\s]+)/i.exec(contentType ?? "")?.[1];
  if (!boundary) throw new ProtocolError(`not multipart/mixed with a boundary: ${contentType}`);
  // Every delimiter, the first one included, is matched as `CRLF--boundary`: the body gets a virtual CRLF.
  const delimiter = "\r\n--" + boundary;
  let buf = "\r\n";
  /** Where the next delimiter search may start: text before it can't hold the start of one. */
  let from = 0;
  /** Past the first delimiter (before it: the preamble, ignored). */
  let inBody = false;
  const parser = {
    done: false,
    push(text: string): string[] {
      const parts: string[] = [];
      buf += text;
      // the epilogue after the closing delimiter is ignored, as RFC 2046 says
      while (!parser.done) {
        if (inBody) {
          // after a delimiter: `--` closes the body, CRLF (after optional transport padding) starts a part
          const next = buf.replace(/^[ \t]+/, "").slice(0, 2);
          if (next == "--") parser.done = true;
          else if (next[1] && next != "\r\n") throw new ProtocolError(`unexpected ${JSON.stringify(next)} after a boundary`);
        }
        const at = buf.indexOf(delimiter, from);
        if (parser.done || at < 0) {
          // keep what might be the start of a delimiter split across chunks (a negative start searches from 0)
          from = buf.length - delimiter.length + 1;
          if (!inBody && buf.length > 1024) throw new ProtocolError("no boundary in the first 1 KB");
          break;
        }
        if (inBody) {
          // `padding CRLF headers CRLF CRLF body`, or without headers `padding CRLF CRLF body`
          const bodyStart = buf.indexOf("\r\n\r\n") + 4;
          if (bodyStart < 4 || bodyStart > at) throw new ProtocolError("part headers without an end");
          parts.push(buf.slice(bodyStart, at));
        }
        buf = buf.slice(at + delimiter.length);
        from = 0;
        inBody = true;
      }
      return parts;
    },
  };
  return parser;
}

// Incremental `multipart/mixed` parser: fed text as it arrives (any split: inside a boundary, inside the part
// headers, anywhere), it hands out each part's body as soon as the delimiter after it arrived, so a part is
// dispatched without waiting for the next one. Works on decoded text: byte-level splits (inside a UTF-8
// sequence) are the decoder's job (the transport's streaming TextDecoder).
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
  const boundary = /^multipart\/mixed;.*\bboundary="?([^";\s]+)/i.exec(contentType as string)?.[1]; // (null reads as "null")
  if (!boundary) throw new ProtocolError(`no multipart boundary: ${contentType}`);
  // Every delimiter, the first one included, is matched as `CRLF--boundary`: the body gets a virtual CRLF.
  const delimiter = "\r\n--" + boundary;
  // What was not handed out yet: after the last delimiter. Searching it from its start each time finds a
  // delimiter split across chunks, and costs no more than the string concatenation before it already does.
  let buf = "\r\n";
  /** Past the first delimiter (before it: the preamble, ignored). */
  let inBody = false;
  return {
    done: false,
    push(text: string): string[] {
      const parts: string[] = [];
      buf += text;
      for (;;) {
        const at = buf.indexOf(delimiter);
        if (inBody) {
          // after a delimiter: `--` closes the body (what follows, the epilogue, is ignored as RFC 2046 says),
          // CRLF starts a part. No transport padding: that is for mail transports, which add it to lines; HTTP
          // carries the body as it was written.
          const next = buf.slice(0, 2);
          if (next == "--") {
            (this as { done: boolean }).done = true; // (readonly for callers only)
            return parts;
          }
          if (next[1] && next != "\r\n") throw new ProtocolError(`unexpected "${next}" after a boundary`);
          if (at >= 0) {
            // `CRLF headers CRLF CRLF body`, or without headers `CRLF CRLF body`
            const bodyStart = buf.indexOf("\r\n\r\n") + 4;
            if (bodyStart < 4 || bodyStart > at) throw new ProtocolError("unended part headers");
            parts.push(buf.slice(bodyStart, at));
          }
        }
        // a body that is not what its Content-Type says fails fast rather than being buffered to its end
        else if (at < 0 && buf.length > 1024) throw new ProtocolError("no boundary in 1 KB");
        if (at < 0) return parts;
        buf = buf.slice(at + delimiter.length);
        inBody = true;
      }
    },
  };
}

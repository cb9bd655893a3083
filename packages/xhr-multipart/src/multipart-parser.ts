// Incremental `multipart/mixed` parser: fed text as it arrives (any split: inside a boundary, inside the part
// headers, anywhere), it hands out each part's body as soon as the delimiter after it arrived, so a part is
// dispatched without waiting for the next one. Works on decoded text: byte-level splits (inside a UTF-8
// sequence) are the decoder's job (TextDecoder `stream: true`, or the browser's responseText).
// @see https://www.rfc-editor.org/rfc/rfc2046#section-5.1.1  and  PROTOCOL.md §4

import { ProtocolError } from "@omnio/client";

/** The longest preamble (text before the first boundary) tolerated before the body is declared not multipart. */
const MAX_PREAMBLE = 1024;

type Phase = "preamble" | "delimiter" | "part" | "done";

export class MultipartParser {
  /** Every delimiter, the first one included, is matched as `CRLF--boundary` (the body gets a virtual CRLF). */
  private readonly _delimiter: string;
  private _buf = "\r\n";
  /** Where the next delimiter search may start: text before it can't hold the start of one. */
  private _scan = 0;
  private _phase: Phase = "preamble";

  constructor(readonly boundary: string) {
    if (!boundary) throw new ProtocolError("multipart: empty boundary");
    this._delimiter = "\r\n--" + boundary;
  }

  /** The closing delimiter (`--boundary--`) was seen: the stream ended on purpose. */
  get done(): boolean {
    return this._phase === "done";
  }

  /** Feeds more text; returns the bodies of the parts it completed, in order. Throws ProtocolError. */
  push(text: string): string[] {
    const parts: string[] = [];
    if (this._phase === "done") return parts; // the epilogue is ignored, as RFC 2046 says
    this._buf += text;
    const d = this._delimiter;
    let pos = 0;
    for (;;) {
      if (this._phase === "preamble" || this._phase === "part") {
        const at = this._buf.indexOf(d, Math.max(pos, this._scan));
        if (at < 0) {
          // keep what might be the start of a delimiter split across chunks
          this._scan = Math.max(pos, this._buf.length - d.length + 1);
          if (this._phase === "preamble" && this._buf.length > MAX_PREAMBLE) {
            throw new ProtocolError(`multipart: no boundary "${this.boundary}" in the first ${MAX_PREAMBLE} characters`);
          }
          break;
        }
        if (this._phase === "part") parts.push(partBody(this._buf.slice(pos, at)));
        pos = at + d.length;
        this._phase = "delimiter";
      }
      // after a delimiter: `--` closes the body, CRLF (after optional transport padding) starts a part
      let i = pos;
      while (this._buf[i] === " " || this._buf[i] === "\t") i++;
      if (this._buf.length - i < 2) break;
      const next = this._buf.slice(i, i + 2);
      if (next === "--" && i === pos) {
        this._phase = "done";
        this._buf = "";
        return parts;
      }
      if (next !== "\r\n") throw new ProtocolError(`multipart: unexpected ${JSON.stringify(next)} after a boundary`);
      pos = i + 2;
      this._phase = "part";
    }
    this._buf = this._buf.slice(pos);
    this._scan = Math.max(0, this._scan - pos);
    return parts;
  }
}

/** A part is `headers CRLF CRLF body`, or `CRLF body` without headers; the headers carry nothing we need. */
function partBody(part: string): string {
  if (part.startsWith("\r\n")) return part.slice(2);
  const end = part.indexOf("\r\n\r\n");
  if (end < 0) throw new ProtocolError(`multipart: part headers without an end: ${JSON.stringify(part.slice(0, 60))}`);
  return part.slice(end + 4);
}

/** The `boundary` parameter of a `multipart/*` Content-Type (quoted or not), or undefined. */
export function boundaryOf(contentType: string | null | undefined): string | undefined {
  if (!contentType || !/^\s*multipart\/mixed\s*;/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]{1,70})"|([^\s;"]{1,70}))/i.exec(contentType);
  return m ? (m[1] ?? m[2]) : undefined;
}

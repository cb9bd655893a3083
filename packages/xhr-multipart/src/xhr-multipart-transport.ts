// AJAX multipart streaming transport: a long-lived GET whose `multipart/mixed` body carries one Engine.IO
// payload per part, parsed as it arrives; a POST sends, exactly as polling (one in flight). Runs in pages
// (fetch streams, or XHR progress events) and in Node/workers (fetch). State, queue, pause and close rule:
// HttpTransport. @see ../../../../shared/PROTOCOL.md §4  and  ./stream-get.ts for the choice of reader
//
// Lifecycle of the stream: the server ends it on purpose (`--B--`) after ~128 KiB, or to release it when the
// session was probed for an upgrade away from us; we reopen it at once unless pausing or closed. A stream that
// ends without the closing boundary was cut: that is a transport error. Joining a session (an upgrade probe),
// the session may POST `2probe` at once; `3probe` comes back on the stream, so a proxy that buffers the stream
// shows as a probe that misses its deadline.

import { HttpStreamTransport, ProtocolError, TransportError, httpSend, type HttpPostDone, type TransportContext } from "@omnio/client";
import { MultipartParser, boundaryOf } from "./multipart-parser.js";
import { streamGet, type StreamReader } from "./stream-get.js";

export class XhrMultipartTransport extends HttpStreamTransport {
  readonly name = "xhr-multipart";
  /** Streams opened so far (tests watch the 128 KiB cycling through it). */
  streams = 0;

  constructor(
    context: TransportContext,
    /** How the stream is read ("fetch" or "xhr"). */
    readonly reader: StreamReader,
  ) {
    super(context);
  }

  protected _receive(): () => void {
    const url = this._url();
    let parser: MultipartParser | undefined;
    this.streams++;
    return streamGet(this._context, url, this.reader, {
      onResponse: (contentType) => {
        const boundary = boundaryOf(contentType);
        if (boundary) parser = new MultipartParser(boundary);
        else this._bad(url, new ProtocolError(`expected multipart/mixed with a boundary, got Content-Type ${JSON.stringify(contentType)}`));
      },
      onText: (text) => {
        let parts: string[];
        try {
          parts = parser!.push(text);
        } catch (cause) {
          return this._bad(url, cause as Error);
        }
        for (const part of parts) if (!this._deliver(part, url)) return;
      },
      onEnd: () => {
        if (parser?.done) return this._end(url);
        const cause = new ProtocolError("no closing boundary (cut by the network or a proxy?)");
        this._fail(new TransportError(`Stream GET ${url} (xhr-multipart) ended early`, this.name, { cause }));
      },
      onError: (error) => this._fail(error),
    });
  }

  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }
}

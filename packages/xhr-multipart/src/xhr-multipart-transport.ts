// AJAX multipart streaming transport: a long-lived GET whose `multipart/mixed` body carries one Engine.IO
// payload per part, parsed as it arrives; a POST sends, exactly as polling (one in flight). State, pause
// and close rule: HttpTransport; requests (fetch, in pages, workers and Node): FetchTransport.
// @see ../../../../shared/PROTOCOL.md §4
//
// The body is read chunk by chunk and decoded by a streaming TextDecoder (a UTF-8 character split across chunks
// is decoded whole); each chunk is dropped once parsed, so memory stays flat.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Streams_API/Using_readable_streams
//
// Lifecycle of the stream: the server ends it on purpose (`--B--`) after ~128 KiB, or to release it for an
// upgrade away from us; we reopen it at once unless pausing or closed. A stream that ends without the closing
// boundary was cut: a transport error. `pause()` has no deadline of its own: a stream that never ends stops the
// heartbeat, so the session's heartbeat deadline ends it, as it would a poll that never returns. Joining a
// session, what the server sends before onOpen (an upgrade's `3probe`) waits for the stream, so a proxy that
// buffers the stream shows as a probe that misses its deadline.

import { FetchTransport, ProtocolError } from "@omnio/client";
import { multipartParser } from "./multipart-parser.js";

export class XhrMultipartTransport extends FetchTransport {
  // A getter: a class field would cost a constructor
  get name(): "xhr-multipart" {
    return "xhr-multipart";
  }

  protected _receive(): () => void {
    return this._fetch(this._url(), async (response) => {
      const parser = multipartParser(response.headers.get("content-type"));
      const body = response.body!.getReader();
      const decoder = new TextDecoder();
      for (let chunk; !(chunk = await body.read()).done; ) {
        // false once the transport closed (the session, a close packet, a bad payload): it aborted this stream
        if (!parser.push(decoder.decode(chunk.value, { stream: true })).every((part) => this._deliver(part))) return;
      }
      if (!parser.done) throw new ProtocolError("no closing boundary");
      this._end();
    });
  }
}

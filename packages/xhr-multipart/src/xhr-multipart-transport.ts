// AJAX multipart streaming transport: a long-lived GET whose `multipart/mixed` body carries one Engine.IO
// payload per part, parsed as it arrives; a POST sends, exactly as polling (one in flight). State, queue, pause
// and close rule: HttpTransport. @see ../../../../shared/PROTOCOL.md §4
//
// The stream is read by one of two readers:
// - "fetch": `fetch` + the body piped through a `TextDecoderStream`, wherever that exists (every browser with
//   it has fetch body streams): each chunk is decoded once and dropped, so memory stays flat, and it runs in
//   Node and workers too.
// - "xhr": XMLHttpRequest `readystatechange` (fired with each chunk, as `progress` is) and a cursor into
//   `responseText`, for browsers without fetch streams; the server's 128 KiB cycling bounds `responseText`.
// Either way a UTF-8 character split across chunks is decoded whole.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Streams_API/Using_readable_streams
// @see https://xhr.spec.whatwg.org/#the-send()-method (processBodyChunk)
//
// Lifecycle of the stream: the server ends it on purpose (`--B--`) after ~128 KiB, or to release it for an
// upgrade away from us; we reopen it at once unless pausing or closed. A stream that ends without the closing
// boundary was cut: a transport error.

import { HttpStreamTransport, ProtocolError, fetchInit, httpError, xhrSend, type HttpRequest } from "@omnio/client";
import { multipartParser, type MultipartParser } from "./multipart-parser.js";

/** How the stream is read: "fetch" (ReadableStream) or "xhr" (XMLHttpRequest, chunk by chunk). */
export type StreamReader = "fetch" | "xhr";

/**
 * The reader this environment streams with, or none: fetch where TextDecoderStream exists, else
 * XMLHttpRequest. Looks at constructors, constructs nothing. Any XMLHttpRequest that runs this ES2020 code
 * hands out partial `responseText` while loading, with CORS.
 */
export const readerOf = (global: typeof globalThis): StreamReader | undefined =>
  global.TextDecoderStream ? "fetch" : global.XMLHttpRequest ? "xhr" : undefined;

export class XhrMultipartTransport extends HttpStreamTransport {
  // A getter: a class field would cost a constructor
  get name(): "xhr-multipart" {
    return "xhr-multipart";
  }

  protected _receive(): () => void {
    const context = this._context;
    const { global } = context;
    const request: HttpRequest = { method: "GET", url: this._url(), transport: this.name };
    let parser: MultipartParser | undefined;
    // Nothing here reports twice or after the abort: the abort and every failure come with the transport's
    // CLOSED state, in which _fail, _deliver and _end do nothing; an ended stream reports nothing more.
    /** This GET failed: the network or a broken body (`cause`: a ProtocolError), or a status other than 200. */
    const fail = (cause: unknown, status = 0, body = ""): void => this._fail(httpError(request, status, body, cause));
    /** More of a 200 body: the Content-Type, the text since last time, and whether the body ended. */
    const read = (contentType: string | null, text: string, ended: boolean): void => {
      try {
        parser ??= multipartParser(contentType);
        if (parser.push(text).every((part) => this._deliver(part)) && ended) {
          if (!parser.done) throw new ProtocolError("cut: no closing boundary");
          this._end();
        }
      } catch (cause) {
        fail(cause);
      }
    };
    if (readerOf(global) == "fetch") {
      const controller = new AbortController();
      (async () => {
        const res = await global.fetch(request.url, fetchInit(context, request, controller.signal));
        if (res.status != 200) return fail(null, res.status, await res.text());
        const type = res.headers.get("content-type");
        const body = res.body!.pipeThrough(new global.TextDecoderStream()).getReader();
        for (let chunk; !(chunk = await body.read()).done; ) read(type, chunk.value, false);
        read(type, "", true);
      })().catch(fail);
      return () => controller.abort();
    }
    const xhr = new global.XMLHttpRequest();
    let cursor = 0;
    // readyState 2 (headers), 3 (each chunk), 4 (done; after a network error or abort too, with status 0)
    xhr.onreadystatechange = () => {
      const all = xhr.responseText;
      const state = xhr.readyState;
      if (xhr.status != 200) state > 3 && fail(null, xhr.status, all);
      else if (state > 1) read(xhr.getResponseHeader("content-type"), all.slice(cursor), state > 3);
      cursor = all.length;
    };
    return xhrSend(context, xhr, request, fail);
  }
}

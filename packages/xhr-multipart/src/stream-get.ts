// One streaming GET whose body is handed over as text while it arrives, by one of two readers:
// - "fetch": `fetch` + `ReadableStream` reader + `TextDecoder({stream: true})`. The default where it exists:
//   each chunk is decoded once and then dropped, so memory stays flat however long the stream runs, abort is
//   an AbortController, and it runs in Node and workers too.
// - "xhr": XMLHttpRequest `progress` events with a cursor into `responseText`. For browsers without fetch
//   streams: `responseText` keeps the whole body (the server's 128 KiB cycling bounds it) and is copied per
//   read, but it is everywhere XHR is.
// Either way a multi-byte UTF-8 character split across chunks is decoded whole (the decoder keeps the partial
// sequence). Reports exactly once (end or failure), never after abort. Request set-up and errors are the
// client's (http-send.ts), shared with the POSTs.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Streams_API/Using_readable_streams
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest/progress_event

import { fetchInit, httpError, releaseXhr, xhrSend, type HttpRequest, type TransportContext, type TransportError } from "@omnio/client";

export type StreamReader = "fetch" | "xhr";

export interface StreamHandlers {
  /** Status 200 and headers arrived; `contentType` is the response's Content-Type header. */
  onResponse(contentType: string | null): void;
  /** More of the body, decoded. */
  onText(text: string): void;
  /** The body ended normally. */
  onEnd(): void;
  /** Not 200, or the network failed. */
  onError(error: TransportError): void;
}

/** The reader to use by default: fetch streams where they exist, else XHR progress events. */
export function defaultReader(global: typeof globalThis): StreamReader | undefined {
  const g = global as typeof globalThis & Partial<Pick<typeof globalThis, "ReadableStream" | "TextDecoder" | "Response">>;
  if (typeof g.fetch === "function" && typeof g.ReadableStream === "function" && typeof g.TextDecoder === "function") {
    if (typeof g.Response === "function" && "body" in g.Response.prototype) return "fetch";
  }
  return typeof g.XMLHttpRequest === "function" ? "xhr" : undefined;
}

/** Starts the GET; the returned function aborts it (after which no handler is called). */
export function streamGet(
  context: Pick<TransportContext, "global" | "withCredentials" | "extraHeaders">,
  url: string,
  reader: StreamReader,
  h: StreamHandlers,
): () => void {
  const request: HttpRequest = { method: "GET", url, transport: "xhr-multipart" };
  let settled = false;
  let abort: () => void;
  const fail = (status: number, body: string, cause?: unknown): void => {
    if (settled) return;
    settled = true;
    h.onError(httpError(request, status, body, cause));
  };
  const text = (chunk: string): void => {
    if (!settled && chunk) h.onText(chunk);
  };
  const end = (): void => {
    if (settled) return;
    settled = true;
    h.onEnd();
  };
  if (reader === "fetch") {
    const controller = new AbortController();
    const run = async (): Promise<void> => {
      const res = await context.global.fetch(url, { ...fetchInit(context, request, controller.signal), cache: "no-store" });
      if (settled) return;
      if (res.status !== 200) return fail(res.status, await res.text().catch(() => ""));
      if (!res.body) return fail(0, "", new TypeError("the response has no body stream"));
      h.onResponse(res.headers.get("content-type"));
      const body = res.body.getReader();
      const decoder = new context.global.TextDecoder();
      for (;;) {
        const { done, value } = await body.read();
        // The last call (no value, not streaming) flushes a partial character the decoder still holds.
        text(decoder.decode(value, { stream: !done }));
        if (done) return end();
      }
    };
    run().catch((cause: unknown) => fail(0, "", cause));
    abort = () => controller.abort();
  } else {
    const xhr = new context.global.XMLHttpRequest();
    let cursor = 0;
    let opened = false;
    /** Hands over what arrived since the last read (the response first, once). */
    const take = (): void => {
      if (xhr.status !== 200 || settled) return;
      if (!opened) {
        opened = true;
        h.onResponse(xhr.getResponseHeader("Content-Type"));
      }
      const all = xhr.responseText;
      const chunk = all.slice(cursor);
      cursor = all.length;
      text(chunk);
    };
    // HEADERS_RECEIVED (2): report the response before the first part
    xhr.onreadystatechange = () => xhr.readyState >= 2 && take();
    xhr.onprogress = take;
    xhr.onload = () => {
      releaseXhr(xhr);
      if (xhr.status !== 200) return fail(xhr.status, xhr.responseText);
      take();
      end();
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => {
      releaseXhr(xhr);
      fail(0, "");
    };
    abort = xhrSend(context, xhr, request, (cause) => fail(0, "", cause));
  }
  return () => {
    if (settled) return;
    settled = true;
    abort();
  };
}

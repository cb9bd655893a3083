// One streaming GET whose body is handed over as text while it arrives, by one of two readers:
// - "fetch": `fetch` + `ReadableStream` reader + `TextDecoder({stream: true})`. The default where it exists:
//   each chunk is decoded once and then dropped, so memory stays flat however long the stream runs, abort is
//   an AbortController, and it runs in Node and workers too.
// - "xhr": XMLHttpRequest `progress` events with a cursor into `responseText`. For browsers without fetch
//   streams: `responseText` keeps the whole body (the server's 128 KiB cycling bounds it) and is copied per
//   read, but it is everywhere XHR is.
// Either way a multi-byte UTF-8 character split across chunks is decoded whole (the decoder keeps the partial
// sequence). Reports exactly once (end or failure), never after abort.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Streams_API/Using_readable_streams
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest/progress_event

import { TransportError, type HttpStatusFailure, type TransportContext } from "@omnio/client";

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

type StreamContext = Pick<TransportContext, "global" | "withCredentials" | "extraHeaders">;

const EXCERPT = 120;

/** The reader to use by default: fetch streams where they exist, else XHR progress events. */
export function defaultReader(global: typeof globalThis): StreamReader | undefined {
  const g = global as typeof globalThis & Partial<Pick<typeof globalThis, "ReadableStream" | "TextDecoder" | "Response">>;
  if (typeof g.fetch === "function" && typeof g.ReadableStream === "function" && typeof g.TextDecoder === "function") {
    if (typeof g.Response === "function" && "body" in g.Response.prototype) return "fetch";
  }
  return typeof g.XMLHttpRequest === "function" ? "xhr" : undefined;
}

/** Starts the GET; the returned function aborts it (after which no handler is called). */
export function streamGet(context: StreamContext, url: string, reader: StreamReader, handlers: StreamHandlers): () => void {
  let settled = false;
  const guard: StreamHandlers = {
    onResponse: (type) => {
      if (!settled) handlers.onResponse(type);
    },
    onText: (text) => {
      if (!settled) handlers.onText(text);
    },
    onEnd: () => {
      if (settled) return;
      settled = true;
      handlers.onEnd();
    },
    onError: (error) => {
      if (settled) return;
      settled = true;
      handlers.onError(error);
    },
  };
  const abort = reader === "fetch" ? viaFetch(context, url, guard) : viaXhr(context, url, guard);
  return () => {
    if (settled) return;
    settled = true;
    abort();
  };
}

/** The error for a failed stream GET: status and start of the body, or the network cause. */
export function streamError(url: string, status: number, body: string, cause?: unknown): TransportError {
  const detail =
    status === 0 ? (cause instanceof Error ? cause.message : "network error") : `HTTP ${status}${body ? " " + body.slice(0, EXCERPT) : ""}`;
  const failure: unknown = status === 0 ? cause : ({ status, body: body.slice(0, EXCERPT) } satisfies HttpStatusFailure);
  return new TransportError(`Failed to GET ${url} (xhr-multipart): ${detail}`, "xhr-multipart", { cause: failure });
}

function viaFetch(context: StreamContext, url: string, h: StreamHandlers): () => void {
  const controller = new AbortController();
  let aborted = false;
  const init: RequestInit = {
    method: "GET",
    headers: { ...context.extraHeaders },
    credentials: context.withCredentials ? "include" : "same-origin",
    cache: "no-store",
    signal: controller.signal,
  };
  const run = async (): Promise<void> => {
    const res = await context.global.fetch(url, init);
    if (res.status !== 200) return h.onError(streamError(url, res.status, await res.text().catch(() => "")));
    if (!res.body) return h.onError(streamError(url, 0, "", new TypeError("the response has no body stream")));
    h.onResponse(res.headers.get("content-type"));
    const body = res.body.getReader();
    const decoder = new context.global.TextDecoder();
    for (;;) {
      const { done, value } = await body.read();
      if (aborted) return;
      if (done) {
        const tail = decoder.decode();
        if (tail) h.onText(tail);
        return h.onEnd();
      }
      const text = decoder.decode(value, { stream: true });
      if (text) h.onText(text);
    }
  };
  run().catch((cause: unknown) => {
    if (!aborted) h.onError(streamError(url, 0, "", cause));
  });
  return () => {
    aborted = true;
    controller.abort();
  };
}

function viaXhr(context: StreamContext, url: string, h: StreamHandlers): () => void {
  const xhr = new context.global.XMLHttpRequest();
  let cursor = 0;
  let opened = false;
  const release = (): void => {
    xhr.onreadystatechange = xhr.onprogress = xhr.onload = xhr.onerror = xhr.ontimeout = xhr.onabort = null;
  };
  /** Hands over what arrived since the last read (the response first, once). */
  const take = (): void => {
    if (xhr.status !== 200) return;
    if (!opened) {
      opened = true;
      h.onResponse(xhr.getResponseHeader("Content-Type"));
    }
    const all = xhr.responseText;
    if (all.length > cursor) {
      const text = all.slice(cursor);
      cursor = all.length;
      h.onText(text);
    }
  };
  xhr.onreadystatechange = () => {
    if (xhr.readyState >= 2) take(); // HEADERS_RECEIVED: report the response before the first part
  };
  xhr.onprogress = take;
  xhr.onload = () => {
    if (xhr.status !== 200) {
      release();
      return h.onError(streamError(url, xhr.status, xhr.responseText));
    }
    take();
    release();
    h.onEnd();
  };
  xhr.onerror = xhr.ontimeout = xhr.onabort = () => {
    release();
    h.onError(streamError(url, 0, ""));
  };
  try {
    xhr.open("GET", url, true);
    xhr.withCredentials = context.withCredentials;
    const headers = context.extraHeaders ?? {};
    for (const name in headers) xhr.setRequestHeader(name, headers[name]!);
    xhr.send(null);
  } catch (cause) {
    // open()/send() throw synchronously for a bad URL or header: report on a fresh task, never re-entrantly
    release();
    const timer = setTimeout(() => h.onError(streamError(url, 0, "", cause)), 0);
    return () => clearTimeout(timer);
  }
  return () => {
    release();
    xhr.abort();
  };
}

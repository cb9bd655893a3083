// One HTTP request for the HTTP-based transports (polling GET/POST; the POST side of xhr-multipart and
// htmlfile): XMLHttpRequest in pages, fetch where XHR does not exist (Node, workers). Abortable, reports
// exactly once, never after abort. Lives in the client so transports share it without importing each other;
// xhr-multipart's streaming GET reuses `httpError`, `xhrSend` and `fetchInit` rather than its own copies.
// A string body goes out as `text/plain;charset=UTF-8` (XHR's and fetch's default: a CORS "simple" type).
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest
// @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API

import { TransportError } from "./errors.js";
import type { TransportContext, TransportName } from "./transport.js";

export interface HttpRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** POST body. */
  readonly body?: string;
  /** Named in errors. */
  readonly transport: TransportName;
}

/** `cause` of the TransportError for an answer other than 200: the status and the start of the body. */
export interface HttpStatusFailure {
  readonly status: number;
  readonly body: string;
}

/** Called once: an error for anything but a 200 (or none), and the response body. */
export type HttpDone = (error: TransportError | undefined, body: string) => void;

export type HttpContext = Pick<TransportContext, "global" | "withCredentials" | "extraHeaders">;

let sequence = 0;

/**
 * A short value for the `t` query key, unique per request in this realm (defeats caches that ignore headers):
 * the time (8 base-36 digits until 2059, so never ambiguous) and a counter.
 */
export const cacheBuster = (): string => Date.now().toString(36) + sequence++;

/**
 * The error for a failed request: `status` other than 200 with the start of the body (cause: HttpStatusFailure),
 * or 0 for a network failure (cause: the original, if any).
 */
export function httpError(request: HttpRequest, status: number, body: string, cause?: unknown): TransportError {
  body = body.slice(0, 120);
  const detail = status ? `HTTP ${status} ${body}` : ((cause as Error | undefined)?.message ?? "network error");
  return new TransportError(`Failed to ${request.method} ${request.url}: ${detail}`, request.transport, {
    cause: status ? ({ status, body } satisfies HttpStatusFailure) : cause,
  });
}

/** fetch options: the extra headers (+ the POST body), credentials, abort signal. */
export const fetchInit = (context: HttpContext, request: HttpRequest, signal: AbortSignal): RequestInit => ({
  method: request.method,
  headers: context.extraHeaders,
  body: request.body,
  credentials: context.withCredentials ? "include" : undefined, // else fetch's default, same-origin
  signal,
});

/**
 * Opens and sends `xhr` (handlers already set); `fail` hears a synchronous throw of open()/send() (bad URL,
 * refused header) in a microtask, like any other failure after the call, so callers are never re-entered (they
 * ignore it once aborted, as they ignore what the XHR reports then: an abort fires its handlers synchronously).
 * Returns the abort.
 */
export function xhrSend(context: HttpContext, xhr: XMLHttpRequest, request: HttpRequest, fail: (cause: unknown) => void): () => void {
  try {
    xhr.open(request.method, request.url);
    xhr.withCredentials = context.withCredentials;
    for (const name in context.extraHeaders) xhr.setRequestHeader(name, context.extraHeaders[name]!);
    xhr.send(request.body);
  } catch (cause) {
    queueMicrotask(() => fail(cause));
  }
  return () => xhr.abort();
}

/** Start a request; the returned function aborts it (after which `done` is never called). */
export function httpSend(context: HttpContext, request: HttpRequest, done: HttpDone): () => void {
  let live = true;
  const finish = (status: number, body: string, cause?: unknown): void => {
    if (!live) return;
    live = false;
    done(status === 200 ? undefined : httpError(request, status, body, cause), body);
  };
  let abort: () => void;
  const { XMLHttpRequest: Xhr, fetch } = context.global;
  if (Xhr) {
    const xhr = new Xhr();
    // After load, error, abort or timeout; on all but load, status is 0.
    xhr.onloadend = () => finish(xhr.status, xhr.responseText);
    abort = xhrSend(context, xhr, request, (cause) => finish(0, "", cause));
  } else {
    const controller = new AbortController();
    fetch(request.url, fetchInit(context, request, controller.signal))
      .then((response) => response.text().then((body) => finish(response.status, body)))
      .catch((cause: unknown) => finish(0, "", cause));
    abort = () => controller.abort();
  }
  return () => {
    live = false;
    abort();
  };
}

// One HTTP request for the HTTP-based transports (polling GET/POST; the POST side of xhr-multipart and
// htmlfile): XMLHttpRequest in pages, fetch where XHR does not exist (Node, workers). Abortable, reports
// exactly once, never after abort. Lives in the client so transports share it without importing each other;
// xhr-multipart's streaming GET reuses `httpError`, `xhrSend` and `fetchInit` rather than its own copies.
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest
// @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API

import { TransportError } from "./errors.js";
import type { TransportContext, TransportName } from "./transport.js";

export interface HttpRequest {
  readonly method: "GET" | "POST";
  readonly url: string;
  /** POST body, sent as `text/plain;charset=UTF-8` (a CORS "simple" type: no preflight). */
  readonly body?: string;
  /** Named in errors. */
  readonly transport: TransportName;
}

/** `cause` of the TransportError for an answer other than 200: the status and the start of the body. */
export interface HttpStatusFailure {
  readonly status: number;
  readonly body: string;
}

/** Called once: an error, or the 200 response body. */
export type HttpDone = (error: TransportError | undefined, body: string) => void;

export type HttpContext = Pick<TransportContext, "global" | "withCredentials" | "extraHeaders">;

let sequence = 0;

/** A short value for the `t` query key, unique per request in this realm (defeats caches that ignore headers). */
export function cacheBuster(): string {
  return Date.now().toString(36) + (sequence++).toString(36);
}

/**
 * The error for a failed request: `status` other than 200 with the start of the body (cause: HttpStatusFailure),
 * or 0 for a network failure (cause: the original, if any).
 */
export function httpError(request: HttpRequest, status: number, body: string, cause?: unknown): TransportError {
  body = body.slice(0, 120);
  // Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED …) is in its cause.
  const inner = (cause as { cause?: unknown } | undefined)?.cause;
  const detail = status
    ? `HTTP ${status}${body && " " + body}`
    : cause instanceof Error
      ? cause.message + (inner instanceof Error && inner.message ? ` (${inner.message})` : "")
      : "network error";
  return new TransportError(`Failed to ${request.method} ${request.url} (${request.transport}): ${detail}`, request.transport, {
    cause: status ? ({ status, body } satisfies HttpStatusFailure) : cause,
  });
}

function headersFor(context: HttpContext, request: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { ...context.extraHeaders };
  if (request.method === "POST") headers["Content-Type"] = "text/plain;charset=UTF-8";
  return headers;
}

/** fetch options: the extra headers (+ the POST body and its type), credentials, abort signal. */
export function fetchInit(context: HttpContext, request: HttpRequest, signal: AbortSignal): RequestInit {
  return {
    method: request.method,
    headers: headersFor(context, request),
    body: request.body ?? null,
    credentials: context.withCredentials ? "include" : "same-origin",
    signal,
  };
}

/**
 * Opens and sends `xhr` (handlers already set); `fail` hears a synchronous throw of open()/send() (bad URL,
 * refused header) on a fresh task, like any other failure, so callers are never re-entered. Returns the abort,
 * which also detaches every handler.
 */
export function xhrSend(context: HttpContext, xhr: XMLHttpRequest, request: HttpRequest, fail: (cause: unknown) => void): () => void {
  try {
    xhr.open(request.method, request.url, true);
    xhr.withCredentials = context.withCredentials;
    const headers = headersFor(context, request);
    for (const name in headers) xhr.setRequestHeader(name, headers[name]!);
    xhr.send(request.body ?? null);
  } catch (cause) {
    releaseXhr(xhr);
    const timer = setTimeout(() => fail(cause), 0);
    return () => clearTimeout(timer);
  }
  return () => {
    releaseXhr(xhr);
    xhr.abort();
  };
}

/** Detaches every handler a transport sets on an XHR. */
export function releaseXhr(xhr: XMLHttpRequest): void {
  xhr.onreadystatechange = xhr.onprogress = xhr.onload = xhr.onerror = xhr.ontimeout = xhr.onabort = null;
}

/** Start a request; the returned function aborts it (after which `done` is never called). */
export function httpSend(context: HttpContext, request: HttpRequest, done: HttpDone): () => void {
  let settled = false;
  const finish = (status: number, body: string, cause?: unknown): void => {
    if (settled) return;
    settled = true;
    done(status === 200 ? undefined : httpError(request, status, body, cause), status === 200 ? body : "");
  };
  let abort: () => void;
  if (typeof context.global.XMLHttpRequest === "function") {
    const xhr = new context.global.XMLHttpRequest();
    xhr.onload = () => {
      releaseXhr(xhr);
      finish(xhr.status, xhr.responseText);
    };
    xhr.onerror = xhr.ontimeout = xhr.onabort = () => {
      releaseXhr(xhr);
      finish(0, "");
    };
    abort = xhrSend(context, xhr, request, (cause) => finish(0, "", cause));
  } else {
    const controller = new AbortController();
    context.global
      .fetch(request.url, fetchInit(context, request, controller.signal))
      .then((response) => response.text().then((body) => finish(response.status, body)))
      .catch((cause: unknown) => finish(0, "", cause));
    abort = () => controller.abort();
  }
  return () => {
    if (settled) return;
    settled = true;
    abort();
  };
}

// One HTTP request for the HTTP-based transports (polling GET/POST; the POST side of xhr-multipart and
// htmlfile): XMLHttpRequest in pages, fetch where XHR does not exist (Node, workers). Abortable, reports
// exactly once, never after abort. Lives in the client so transports share it without importing each other.
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

type HttpContext = Pick<TransportContext, "global" | "withCredentials" | "extraHeaders">;

const EXCERPT = 120;
let sequence = 0;

/** A short value for the `t` query key, unique per request in this realm (defeats caches that ignore headers). */
export function cacheBuster(): string {
  return Date.now().toString(36) + (sequence++).toString(36);
}

/** Start a request; the returned function aborts it (after which `done` is never called). */
export function httpSend(context: HttpContext, request: HttpRequest, done: HttpDone): () => void {
  let settled = false;
  const finish = (status: number, body: string, cause?: unknown): void => {
    if (settled) return;
    settled = true;
    if (status === 200) return done(undefined, body);
    const detail =
      status === 0
        ? cause instanceof Error
          ? describe(cause)
          : "network error"
        : `HTTP ${status}${body ? " " + body.slice(0, EXCERPT) : ""}`;
    const failure: unknown = status === 0 ? cause : ({ status, body: body.slice(0, EXCERPT) } satisfies HttpStatusFailure);
    done(
      new TransportError(`Failed to ${request.method} ${request.url} (${request.transport}): ${detail}`, request.transport, {
        cause: failure,
      }),
      "",
    );
  };
  const abortIt =
    typeof context.global.XMLHttpRequest === "function" ? viaXhr(context, request, finish) : viaFetch(context, request, finish);
  return () => {
    if (settled) return;
    settled = true;
    abortIt();
  };
}

type Finish = (status: number, body: string, cause?: unknown) => void;

function headersFor(context: HttpContext, request: HttpRequest): Record<string, string> {
  const headers: Record<string, string> = { ...context.extraHeaders };
  if (request.method === "POST") headers["Content-Type"] = "text/plain;charset=UTF-8";
  return headers;
}

function viaXhr(context: HttpContext, request: HttpRequest, finish: Finish): () => void {
  const xhr = new context.global.XMLHttpRequest();
  const release = (): void => {
    xhr.onload = xhr.onerror = xhr.ontimeout = xhr.onabort = null;
  };
  xhr.onload = () => {
    release();
    finish(xhr.status, xhr.responseText);
  };
  xhr.onerror = xhr.ontimeout = xhr.onabort = () => {
    release();
    finish(0, "");
  };
  try {
    xhr.open(request.method, request.url, true);
    xhr.withCredentials = context.withCredentials;
    const headers = headersFor(context, request);
    for (const name in headers) xhr.setRequestHeader(name, headers[name]!);
    xhr.send(request.body ?? null);
  } catch (cause) {
    // open()/send() throw synchronously for a bad URL or a refused header; report on a fresh task like
    // any other failure so callers are never re-entered.
    release();
    const timer = setTimeout(() => finish(0, "", cause), 0);
    return () => clearTimeout(timer);
  }
  return () => {
    release();
    xhr.abort();
  };
}

function viaFetch(context: HttpContext, request: HttpRequest, finish: Finish): () => void {
  const controller = new AbortController();
  const init: RequestInit = {
    method: request.method,
    headers: headersFor(context, request),
    credentials: context.withCredentials ? "include" : "same-origin",
    signal: controller.signal,
  };
  if (request.body !== undefined) init.body = request.body;
  context.global
    .fetch(request.url, init)
    .then((response) => response.text().then((body) => finish(response.status, body)))
    .catch((cause: unknown) => finish(0, "", cause));
  return () => controller.abort();
}

/** Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED …) is in its cause. */
function describe(error: Error): string {
  const inner = (error as { cause?: unknown }).cause;
  return inner instanceof Error && inner.message ? `${error.message} (${inner.message})` : error.message;
}

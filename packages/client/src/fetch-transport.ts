// The HTTP transports that make their requests with fetch (polling; xhr-multipart, whose stream GET is one too;
// htmlfile's POSTs): fetch exists in every browser that runs this ES2020 code, in workers and in Node, so it is
// the one request mechanism (XMLHttpRequest would add no environment, only a second code path). A string body
// goes out as `text/plain;charset=UTF-8`: a CORS "simple" type, no preflight.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API

import { TransportError } from "./errors.js";
import { HttpTransport, type HttpPostDone } from "./http-transport.js";

/** `cause` of the TransportError for an answer other than 200: the status and the start of the body. */
export interface HttpStatusFailure {
  readonly status: number;
  readonly body: string;
}

export abstract class FetchTransport extends HttpTransport {
  /**
   * Fetches `url` (a POST of `body` if given: never empty): `read` gets the response of a 200. Any other status, a network
   * failure, or what `read` throws fails the transport with a TransportError naming the request; nothing is
   * reported after the returned abort (which only the transport's close runs).
   */
  protected _fetch(url: string, read: (response: Response) => unknown, body?: string): () => void {
    const { global, extraHeaders: headers, withCredentials } = this._context;
    const controller = new AbortController();
    const { signal } = controller;
    const method = body ? "POST" : "GET";
    global
      // credentials: else fetch's default, same-origin
      .fetch(url, { method, headers, body, credentials: withCredentials ? "include" : undefined, signal })
      .then(async (response) => {
        if (response.status != 200) {
          throw { status: response.status, body: (await response.text()).slice(0, 120) } satisfies HttpStatusFailure;
        }
        // (aborted between the answer and this continuation: nothing more)
        if (!signal.aborted) await read(response);
      })
      .catch((cause: Error & Partial<HttpStatusFailure>) => {
        const detail = cause.status ? `HTTP ${cause.status} ${cause.body}` : cause.message;
        if (!signal.aborted) this._fail(new TransportError(`Failed to ${method} ${url}: ${detail}`, this.name, { cause }));
      });
    return () => controller.abort();
  }

  /**
   * One POST in flight at a time (the session sends only while writable). The answer ("ok") is read before `done`:
   * Node's fetch keeps the connection of an unread body until garbage collection.
   */
  protected _post(body: string, done: HttpPostDone): () => void {
    return this._fetch(this._url(), (r) => r.text().then(done), body);
  }
}

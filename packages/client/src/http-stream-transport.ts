// What the streaming HTTP transports (xhr-multipart, htmlfile) add to HttpTransport: a held stream, not one poll
// per answer, reopened each time the server ends it on purpose (128 KiB cycling); `pause()` waits for the server
// to end it, with a deadline. Joining a session is polling's: onOpen on a fresh task, then the stream; the
// server keeps what it sends meanwhile (an upgrade's `3probe`) for the stream, so a proxy that buffers the
// stream shows as a probe that misses its deadline. A handshake stream that ends without the open packet is the
// session's handshake deadline to catch, as for polling.
// @see PROTOCOL.md §4, §5

import { TimeoutError, TransportError } from "./errors.js";
import { httpSend } from "./http-send.js";
import { HttpTransport, PAUSING, type HttpPostDone } from "./http-transport.js";

/** How long `pause()` waits for the server to end the stream before the transport gives up. */
export const PAUSE_DEADLINE_MS = 10_000;

export abstract class HttpStreamTransport extends HttpTransport {
  override pause(onPaused: () => void): void {
    super.pause(onPaused);
    if (this._state != PAUSING) return;
    this._timer = setTimeout(() => {
      const cause = new TimeoutError("stream not ended in 10 s of pause()");
      this._fail(new TransportError(cause.message, this.name, { cause }));
    }, PAUSE_DEADLINE_MS);
  }

  /** Both streaming transports POST as polling does (one in flight). */
  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }
}

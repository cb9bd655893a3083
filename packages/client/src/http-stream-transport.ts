// What the streaming HTTP transports (xhr-multipart, htmlfile) add to HttpTransport: a held stream, not one poll
// per answer. It starts as soon as `open()` even when joining a session (an upgrade's `3probe` comes back on it,
// so a proxy that buffers the stream shows as a probe that misses its deadline); it is reopened each time the
// server ends it on purpose (128 KiB cycling); `pause()` waits for the server to end it, with a deadline.
// @see PROTOCOL.md §4, §5

import { ProtocolError, TimeoutError, TransportError } from "./errors.js";
import { httpSend } from "./http-send.js";
import { HANDSHAKE, HttpTransport, JOINING, PAUSING, type HttpPostDone } from "./http-transport.js";

/** How long `pause()` waits for the server to end the stream before the transport gives up. */
export const PAUSE_DEADLINE_MS = 10_000;

export abstract class HttpStreamTransport extends HttpTransport {
  override pause(onPaused: () => void): void {
    super.pause(onPaused);
    if (this._state != PAUSING) return;
    this._timer = setTimeout(() => {
      const cause = new TimeoutError(`the stream did not end within ${PAUSE_DEADLINE_MS} ms of pause()`);
      this._fail(new TransportError(cause.message, this.name, { cause }));
    }, PAUSE_DEADLINE_MS);
  }

  /** Joining: the stream now, onOpen on a fresh task (htmlfile overrides: when the stream is established). */
  protected override _join(): void {
    this._start();
    this._timer = setTimeout(() => this._opened(), 0);
  }

  /** Joining: the stream is established. */
  protected _opened(): void {
    if (this._state == JOINING) this._ready();
  }

  /** Both streaming transports POST as polling does (one in flight). */
  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }

  protected override _end(): void {
    // Joining, a stream may end before onOpen (the server released it): reopen it. A handshake's may not.
    if (this._state == HANDSHAKE) this._bad(new ProtocolError("stream ended before the open packet"));
    else if (this._state == JOINING) this._start();
    else super._end();
  }
}

// What the streaming HTTP transports (xhr-multipart, htmlfile) share beyond HttpTransport: a held stream, not
// one poll per answer, reopened each time the server ends it on purpose (128 KiB cycling), and a POST as
// polling's. The rest is HttpTransport's, as for polling:
// - joining a session: onOpen on a fresh task, then the stream; the server keeps what it sends meanwhile (an
//   upgrade's `3probe`) for the stream, so a proxy that buffers the stream shows as a probe that misses its deadline;
// - `pause()` waits for the server to end the stream (it does once an upgrade away was probed) with no deadline
//   of its own: a stream that never ends stops the heartbeat (pings on it, or our pongs held while pausing), so
//   the session's heartbeat deadline ends it, as it would a poll that never returns;
// - a handshake stream that ends before any payload fails at once (HttpTransport); one whose first packet is not
//   the open packet fails in the session.
// @see PROTOCOL.md §4, §5

import { httpSend } from "./http-send.js";
import { HttpTransport, type HttpPostDone } from "./http-transport.js";

export abstract class HttpStreamTransport extends HttpTransport {
  /** Both streaming transports POST as polling does (one in flight). */
  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }
}

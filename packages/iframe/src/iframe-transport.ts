// Forever iframe transport (`htmlfile`): the server streams `<script>` frames into a hidden iframe (see
// ./frame-stream.ts), a POST sends exactly as polling (one in flight). Runs in pages only (it needs a
// document); cross-origin it needs postMessage and a server that allows the page origin (`cors`). State,
// queue, pause and close rule: HttpTransport.
// @see ../../../../shared/PROTOCOL.md §5
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/iframe
//
// Lifecycle of the stream: the server ends it on purpose (end marker) after ~128 KiB, or to release it when the
// session was probed for an upgrade away from us; we open the next one (a fresh iframe, `c` + 1) at once
// unless pausing or closed. A stream that ends without its end marker is a transport error. Joining a session
// (an upgrade probe), onOpen waits for the prelude, so `3probe` has a stream to come on and a buffering proxy
// shows as a probe that misses its deadline.

import { HttpStreamTransport, httpSend, type HttpPostDone, type TransportContext } from "@omnio/client";
import { frameStream } from "./frame-stream.js";

export interface IframeTransportOptions {
  /** Deadline (ms) for a stream's prelude to run once its iframe was added. Default 10 000. */
  timeout?: number;
  /** How long (ms) messages may trail an iframe's `load` event before the stream counts as cut. Default 1 000. */
  loadGrace?: number;
}

export class IframeTransport extends HttpStreamTransport {
  readonly name = "htmlfile";
  /** Echoed by the server in every message: tells this transport's streams from any other frame's messages. */
  private readonly _id: string;
  /** Streams opened so far; the next stream's `c`. Tests watch the 128 KiB cycling through it. */
  streams = 0;

  constructor(
    context: TransportContext,
    private readonly _options: IframeTransportOptions = {},
  ) {
    super(context);
    this._id = randomId(context.global);
  }

  /** Joining: the stream now, onOpen once its prelude ran (`_opened`). */
  protected override _join(): void {
    this._start();
  }

  protected _receive(): () => void {
    const global = this._context.global;
    const pageOrigin = global.location.origin;
    const serverOrigin = new URL(this._context.base).origin;
    const index = this.streams++;
    const url = this._url({ o: pageOrigin, n: this._id, c: String(index) });
    return frameStream(
      global,
      {
        url,
        id: this._id,
        index,
        serverOrigin,
        crossOrigin: pageOrigin !== serverOrigin,
        timeoutMs: this._options.timeout ?? 10_000,
        graceMs: this._options.loadGrace ?? 1000,
      },
      {
        onOpen: () => this._opened(),
        onPayload: (payload) => this._deliver(payload, url),
        onEnd: () => this._end(url),
        onError: (error) => this._fail(error),
      },
    );
  }

  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }
}

/** 128 random bits as hex (the server accepts `[A-Za-z0-9_-]{1,64}`); Math.random only without Web Crypto. */
function randomId(global: typeof globalThis): string {
  const bytes = new Uint8Array(16);
  if (typeof global.crypto?.getRandomValues === "function") global.crypto.getRandomValues(bytes);
  else for (let i = 0; i < 16; i++) bytes[i] = Math.random() * 256; // stored truncated to an integer 0–255
  // `| 256` then dropping the leading "1": two hex digits per byte, zero-padded.
  return Array.from(bytes, (b) => (b | 256).toString(16).slice(1)).join("");
}

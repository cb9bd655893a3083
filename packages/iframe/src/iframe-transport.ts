// Forever iframe transport (`htmlfile`): the server streams `<script>` frames into a hidden iframe (see
// ./frame-stream.ts), a POST sends exactly as polling (one in flight). Runs in pages only (it needs a
// document); cross-origin it needs postMessage and a server that allows the page origin (`cors`).
// @see ../../../../shared/PROTOCOL.md §5
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/iframe
//
// Lifecycle of the stream: the server ends it on purpose (end marker) after ~128 KiB, or to release it when the
// session was probed for an upgrade away from us; we open the next one (a fresh iframe, `c` + 1) at once
// unless pausing or closed. A stream that ends without its end marker is a transport error.

import {
  ProtocolError,
  TimeoutError,
  TransportError,
  buildUrl,
  cacheBuster,
  decodePayload,
  encodePayload,
  httpSend,
  type EnginePacket,
  type Transport,
  type TransportContext,
} from "@omnio/client";
import { frameStream } from "./frame-stream.js";

export interface IframeTransportOptions {
  /** Deadline (ms) for a stream's prelude to run once its iframe was added. Default 10 000. */
  timeout?: number;
  /** How long (ms) messages may trail an iframe's `load` event before the stream counts as cut. Default 1 000. */
  loadGrace?: number;
}

type State = "idle" | "opening" | "open" | "pausing" | "paused" | "closed";

/** How long `pause()` waits for the server to release the stream before the transport gives up. */
export const PAUSE_DEADLINE_MS = 10_000;

export class IframeTransport implements Transport {
  readonly name = "htmlfile";
  private _state: State = "idle";
  private _streamAbort: (() => void) | undefined;
  private _postAbort: (() => void) | undefined;
  /** Batches handed to send() while a POST was in flight, posted one after another. */
  private _queue: string[] = [];
  private _onPaused: (() => void) | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** A close packet went either way: the server knows the session is over, so close() must not POST one. */
  private _ended = false;
  /** Opened without `sid`: the first payload must carry the open packet. */
  private _handshake = false;
  /** Echoed by the server in every message: tells this transport's streams from any other frame's messages. */
  private readonly _id: string;
  /** Streams opened so far; the next stream's `c`. Tests watch the 128 KiB cycling through it. */
  streams = 0;

  constructor(
    private readonly _context: TransportContext,
    private readonly _options: IframeTransportOptions = {},
  ) {
    this._id = randomId(_context.global);
  }

  get writable(): boolean {
    return (this._state === "open" || this._state === "pausing") && !this._postAbort;
  }

  /** Requests in flight right now: at most one stream (iframe) and one POST. */
  get inFlight(): { stream: boolean; post: boolean } {
    return { stream: !!this._streamAbort, post: !!this._postAbort };
  }

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    this._handshake = !("sid" in this._context.query());
    // Joining a session (an upgrade probe): onOpen once the prelude ran, so `3probe` has a stream to come on
    // and a buffering proxy shows as a probe that misses its deadline. Handshake: onOpen with the open packet.
    this._stream();
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this._state !== "open" && this._state !== "pausing") return;
    this._queue.push(encodePayload(packets));
    if (packets.some((p) => p.type === "close")) this._ended = true;
    if (!this._postAbort) this._post();
  }

  /** Waits for the server to release the stream (it does once an upgrade away from us was probed) and the POST. */
  pause(onPaused: () => void): void {
    if (this._state === "paused") return onPaused();
    if (this._state !== "open") return;
    this._state = "pausing";
    this._onPaused = onPaused;
    this._timer = setTimeout(() => {
      const cause = new TimeoutError(`the server did not end the stream within ${PAUSE_DEADLINE_MS} ms`);
      this._fail(new TransportError(`Failed to pause htmlfile at ${this._context.base}: ${cause.message}`, this.name, { cause }));
    }, PAUSE_DEADLINE_MS);
    this._checkPaused();
  }

  close(): void {
    if (this._state === "closed") return;
    // Not when paused: the session moved to another transport, the server must keep it open.
    const tellServer = (this._state === "open" || this._state === "pausing") && !this._ended;
    this._release();
    // Tell the server, as polling does, so it frees the session now rather than after pingTimeout.
    if (tellServer) httpSend(this._context, { method: "POST", url: this._url(), body: "1", transport: this.name }, () => {});
  }

  private _url(extra?: Record<string, string>): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: this.name, ...extra, t: cacheBuster() });
  }

  private _stream(): void {
    const global = this._context.global;
    const pageOrigin = global.location.origin;
    const serverOrigin = new URL(this._context.base).origin;
    const index = this.streams++;
    const url = this._url({ o: pageOrigin, n: this._id, c: String(index) });
    let established = false;
    this._streamAbort = frameStream(
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
        onOpen: () => {
          established = true;
          if (this._state !== "opening" || this._handshake) return;
          this._state = "open";
          this._context.sink.onOpen();
        },
        onPayload: (payload) => this._onPayload(payload, url),
        onEnd: () => {
          this._streamAbort = undefined;
          if (this._state === "open") this._stream();
          else if (this._state === "pausing") this._checkPaused();
          else if (this._state === "opening") {
            const what = established ? "the open packet" : "the prelude";
            this._decodeFailed(url, new ProtocolError(`the stream ended before ${what}`));
          }
        },
        onError: (error) => {
          this._streamAbort = undefined;
          this._fail(error);
        },
      },
    );
  }

  private _onPayload(body: string, url: string): void {
    let packets: EnginePacket[];
    try {
      packets = decodePayload(body, "arraybuffer");
      if (this._state === "opening" && this._handshake && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      return this._decodeFailed(url, cause as Error);
    }
    if (this._state === "opening" && this._handshake) {
      this._state = "open";
      this._context.sink.onOpen();
    }
    for (const packet of packets) {
      // The sink may close or pause us from inside onPacket: re-check before every delivery.
      if (this._state === "closed") return;
      this._context.sink.onPacket(packet);
      if (packet.type === "close") {
        this._ended = true;
        if ((this._state as State) === "closed") return;
        this._release();
        return this._context.sink.onClose("transport close");
      }
    }
  }

  private _post(): void {
    const body = this._queue.shift()!;
    this._postAbort = httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, (error) => {
      this._postAbort = undefined;
      if (error) return this._fail(error);
      if (this._queue.length) return this._post();
      if (this._state === "pausing") return this._checkPaused();
      if (this._state === "open") this._context.sink.onDrain();
    });
  }

  private _checkPaused(): void {
    if (this._streamAbort || this._postAbort || this._state !== "pausing") return;
    clearTimeout(this._timer);
    this._timer = undefined;
    this._state = "paused";
    const onPaused = this._onPaused!;
    this._onPaused = undefined;
    onPaused();
  }

  private _decodeFailed(url: string, cause: Error): void {
    this._fail(new TransportError(`Failed to decode the stream of GET ${url} (htmlfile): ${cause.message}`, this.name, { cause }), "parse error");
  }

  private _fail(error: TransportError, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._release();
    this._context.sink.onClose(reason, error);
  }

  private _release(): void {
    this._state = "closed";
    clearTimeout(this._timer);
    this._timer = undefined;
    this._streamAbort?.();
    this._postAbort?.();
    this._streamAbort = this._postAbort = this._onPaused = undefined;
    this._queue = [];
  }
}

/** 128 random bits as hex (the server accepts `[A-Za-z0-9_-]{1,64}`); Math.random only without Web Crypto. */
function randomId(global: typeof globalThis): string {
  const bytes = new Uint8Array(16);
  if (typeof global.crypto?.getRandomValues === "function") global.crypto.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

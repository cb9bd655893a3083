// AJAX multipart streaming transport: a long-lived GET whose `multipart/mixed` body carries one Engine.IO
// payload per part, parsed as it arrives; a POST sends, exactly as polling (one in flight). Runs in pages
// (fetch streams, or XHR progress events) and in Node/workers (fetch).
// @see ../../../../shared/PROTOCOL.md §4  and  ./stream-get.ts for the choice of reader
//
// Lifecycle of the stream: the server ends it on purpose (`--B--`) after ~128 KiB, or to release it when the
// session was probed for an upgrade away from us; we reopen it at once unless pausing or closed. A stream that
// ends without the closing boundary was cut: that is a transport error.

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
import { MultipartParser, boundaryOf } from "./multipart-parser.js";
import { streamGet, type StreamReader } from "./stream-get.js";

type State = "idle" | "opening" | "open" | "pausing" | "paused" | "closed";

/** How long `pause()` waits for the server to release the stream before the transport gives up. */
export const PAUSE_DEADLINE_MS = 10_000;

export class XhrMultipartTransport implements Transport {
  readonly name = "xhr-multipart";
  private _state: State = "idle";
  private _streamAbort: (() => void) | undefined;
  private _postAbort: (() => void) | undefined;
  /** Batches handed to send() while a POST was in flight, posted one after another. */
  private _queue: string[] = [];
  private _onPaused: (() => void) | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** A close packet went either way: the server knows the session is over, so close() must not POST one. */
  private _ended = false;
  /** Opened without `sid`: the first part must carry the open packet. */
  private _handshake = false;
  /** Streams opened so far (tests watch the 128 KiB cycling through it). */
  streams = 0;

  constructor(
    private readonly _context: TransportContext,
    /** How the stream is read ("fetch" or "xhr"). */
    readonly reader: StreamReader,
  ) {}

  get writable(): boolean {
    return (this._state === "open" || this._state === "pausing") && !this._postAbort;
  }

  /** Requests in flight right now: at most one stream GET and one POST. */
  get inFlight(): { stream: boolean; post: boolean } {
    return { stream: !!this._streamAbort, post: !!this._postAbort };
  }

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    this._handshake = !("sid" in this._context.query());
    this._stream();
    if (this._handshake) return; // onOpen when the open packet arrives
    // Joining a known session (an upgrade probe): the session may POST `2probe` at once; `3probe` comes back on
    // the stream, so a proxy that buffers the stream shows as a probe that misses its deadline.
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (this._state !== "opening") return;
      this._state = "open";
      this._context.sink.onOpen();
    }, 0);
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
      this._fail(new TransportError(`Failed to pause xhr-multipart at ${this._context.base}: ${cause.message}`, this.name, { cause }));
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

  private _url(): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: this.name, t: cacheBuster() });
  }

  private _stream(): void {
    const url = this._url();
    let parser: MultipartParser | undefined;
    this.streams++;
    this._streamAbort = streamGet(this._context, url, this.reader, {
      onResponse: (contentType) => {
        const boundary = boundaryOf(contentType);
        if (boundary) parser = new MultipartParser(boundary);
        else this._decodeFailed(url, new ProtocolError(`expected multipart/mixed with a boundary, got Content-Type ${JSON.stringify(contentType)}`));
      },
      onText: (text) => {
        let parts: string[];
        try {
          parts = parser!.push(text);
        } catch (cause) {
          return this._decodeFailed(url, cause as Error);
        }
        for (const part of parts) if (!this._onPayload(part, url)) return;
      },
      onEnd: () => {
        this._streamAbort = undefined;
        if (!parser?.done) {
          const cause = new ProtocolError("the stream ended without the closing boundary (cut by the network or a proxy?)");
          return this._fail(new TransportError(`Stream GET ${url} (xhr-multipart) ended early`, this.name, { cause }));
        }
        if (this._state === "open" || (this._state === "opening" && !this._handshake)) this._stream();
        else if (this._state === "pausing") this._checkPaused();
        else if (this._state === "opening") this._decodeFailed(url, new ProtocolError("the stream ended before the open packet"));
      },
      onError: (error) => {
        this._streamAbort = undefined;
        this._fail(error);
      },
    });
  }

  /** Delivers one part's packets; false when the transport closed meanwhile. */
  private _onPayload(body: string, url: string): boolean {
    let packets: EnginePacket[];
    try {
      packets = decodePayload(body, "arraybuffer");
      if (this._state === "opening" && this._handshake && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      this._decodeFailed(url, cause as Error);
      return false;
    }
    if (this._state === "opening" && this._handshake) {
      this._state = "open";
      this._context.sink.onOpen();
    }
    for (const packet of packets) {
      // The sink may close or pause us from inside onPacket: re-check before every delivery.
      if (this._state === "closed") return false;
      this._context.sink.onPacket(packet);
      if (packet.type === "close") {
        this._ended = true;
        if ((this._state as State) === "closed") return false;
        this._release();
        this._context.sink.onClose("transport close");
        return false;
      }
    }
    return (this._state as State) !== "closed";
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
    this._fail(new TransportError(`Failed to decode the stream of GET ${url} (xhr-multipart): ${cause.message}`, this.name, { cause }), "parse error");
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

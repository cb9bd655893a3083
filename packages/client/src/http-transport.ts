// What the half-duplex HTTP transports (polling, xhr-multipart, htmlfile, jsonp) have in common, as a small
// template: the public methods guard the state, keep one receiving request (a poll or a stream) and one POST in
// flight at a time, queue sends, pause for an upgrade away, apply the close POST rule, and decode and deliver
// payloads. A transport implements only how it receives (`_receive`: XHR/fetch GET, multipart stream, iframe,
// `<script>`) and how it posts (`_post`); streaming ones extend HttpStreamTransport. Only HTTP transport
// packages import it, so a client + websocket bundle drops it; it references no request code, so JSONP (which
// posts forms) has no XHR.
// @see https://github.com/socketio/engine.io-protocol#http-long-polling  and  PROTOCOL.md §1, §3–5

import { decodePayload, encodePayload, type EnginePacket } from "./engine-codec.js";
import { ProtocolError, TransportError } from "./errors.js";
import { cacheBuster } from "./http-send.js";
import { buildUrl, type Transport, type TransportContext, type TransportName } from "./transport.js";

/** Called once when a POST settled: an error, or nothing for success. */
export type HttpPostDone = (error?: TransportError) => void;

// States (numbers: shorter than names once minified).
export const IDLE = 0;
export const OPENING = 1;
export const OPEN = 2;
export const PAUSING = 3;
export const PAUSED = 4;
export const CLOSED = 5;
/** IDLE → OPENING → OPEN → PAUSING → PAUSED; CLOSED from anywhere, for good. */
export type HttpTransportState = 0 | 1 | 2 | 3 | 4 | 5;

export abstract class HttpTransport implements Transport {
  abstract readonly name: TransportName;
  /** Value of `transport=` when it is not the name (jsonp: `polling`). */
  protected readonly _wire?: string;
  /** Receives on a held stream (HttpStreamTransport) rather than one poll per answer. */
  protected readonly _stream: boolean = false;
  protected _state: HttpTransportState = IDLE;
  /** Opened without `sid`: the first payload must carry the open packet. */
  protected _handshake?: boolean;
  /** A close packet went out: the server knows the session is over, so close() must not POST one. */
  private _ended?: boolean;
  /** Aborts of the receiving request and of the POST in flight. */
  protected _inGet: (() => void) | undefined;
  private _inPost: (() => void) | undefined;
  /** Bodies handed to send() while a POST was in flight, posted one after another. */
  private _queue: string[] = [];
  private _onPaused: (() => void) | undefined;
  /** The open-on-a-fresh-task timer, then the pause deadline. */
  protected _timer: ReturnType<typeof setTimeout> | undefined;

  constructor(protected readonly _context: TransportContext) {}

  /** Starts one receiving request (`handshake`: the one that must bring the open packet); returns its abort. */
  protected abstract _receive(handshake: boolean): () => void;

  /** Posts one body; `done` once, never after the returned abort ran. */
  protected abstract _post(body: string, done: HttpPostDone): () => void;

  get writable(): boolean {
    return (this._state === OPEN || this._state === PAUSING) && !this._inPost;
  }

  /** Requests in flight now (`get` for polling transports, `stream` for streaming ones): never more than one each. */
  get inFlight(): { readonly get?: boolean; readonly stream?: boolean; readonly post: boolean } {
    return { [this._stream ? "stream" : "get"]: !!this._inGet, post: !!this._inPost };
  }

  open(): void {
    if (this._state !== IDLE) return;
    this._state = OPENING;
    // Handshake: onOpen comes with the open packet.
    if ((this._handshake = !("sid" in this._context.query()))) this._start();
    else this._join();
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this._state !== OPEN && this._state !== PAUSING) return;
    this._enqueue(this._queue, packets);
    // A session that writes the close packet itself (then closes on drain) must not get a second one.
    if (packets.some((p) => p.type === "close")) this._ended = true;
    if (!this._inPost && this._queue.length) this._flush();
  }

  /** Waits for the pending receive (the server answers or ends it once an upgrade away was probed) and POST. */
  pause(onPaused: () => void): void {
    if (this._state === PAUSED) return onPaused();
    if (this._state !== OPEN) return;
    this._state = PAUSING;
    this._onPaused = onPaused;
    this._tryPause();
  }

  close(): void {
    if (this._state === CLOSED) return;
    // Tell the server, as a stock client does, so it frees the session now rather than after pingTimeout; not
    // when paused (the session moved to another transport) nor once a close packet went either way.
    const tell = (this._state === OPEN || this._state === PAUSING) && !this._ended;
    const inPost = this._inPost;
    this._inPost = undefined;
    this._stop();
    this._closePost(tell, inPost);
  }

  /** Joining a session: onOpen on a fresh task (never from inside open()), then the first poll. */
  protected _join(): void {
    this._timer = setTimeout(() => {
      this._ready();
      if (this._state === OPEN) this._start();
    }, 0);
  }

  /** Puts packets on the queue of bodies to post: one body per `send()`. */
  protected _enqueue(queue: string[], packets: EnginePacket[]): void {
    queue.push(encodePayload(packets));
  }

  /**
   * On close(): stop the POST in flight, then (`tell`) POST the close packet, detached: nothing reports back
   * from it, and the server answers it at once.
   */
  protected _closePost(tell: boolean, inFlight: (() => void) | undefined): void {
    inFlight?.();
    if (tell) this._post("1", () => {});
  }

  /** `base?<query>&transport=<wire>&<extra>&t=<cache buster>` */
  protected _url(extra?: Record<string, string>): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: this._wire ?? this.name, ...extra, t: cacheBuster() });
  }

  /** Decodes one payload and hands its packets to the session; false once the transport is closed. */
  protected _deliver(payload: string, url: string): boolean {
    let packets: EnginePacket[];
    const handshaking = this._state === OPENING && this._handshake;
    try {
      // No maxPayload here: it bounds what the server accepts from us, while a stock server flushes its whole
      // buffer into one response; and the payload is already in memory, so a limit would protect nothing.
      packets = decodePayload(payload);
      if (handshaking && packets[0]!.type !== "open") throw new ProtocolError("expected the open packet first");
    } catch (cause) {
      this._bad(url, cause as Error);
      return false;
    }
    if (handshaking) this._ready();
    for (const packet of packets) {
      // The session may close or pause us from inside onPacket: re-check before every delivery.
      if (this._state === CLOSED) return false;
      this._context.sink.onPacket(packet);
      // The server closed the session: no close packet back.
      if (packet.type === "close") this._fail(undefined, "transport close");
    }
    return this._state !== CLOSED;
  }

  /** The receiving request (from `_from`) ended as intended: the next one starts, or a pending pause completes. */
  protected _end(_from: string): void {
    this._inGet = undefined;
    if (this._state === OPEN) this._start();
    else this._tryPause();
  }

  /** The transport failed (or, without an error, the server closed it): all is released, the session hears it once. */
  protected _fail(error?: TransportError, reason = "transport error"): void {
    if (this._state === CLOSED) return;
    this._stop();
    this._context.sink.onClose(reason, error);
  }

  /** What arrived from `url` is not what the protocol says. */
  protected _bad(url: string, cause: Error): void {
    this._fail(new TransportError(`Failed to decode the ${this._stream ? "stream" : "response"} of GET ${url} (${this.name}): ${cause.message}`, this.name, { cause }), "parse error");
  }

  protected _start(): void {
    this._inGet = this._receive(this._state === OPENING);
  }

  /** Now open: tell the session. */
  protected _ready(): void {
    this._state = OPEN;
    this._context.sink.onOpen();
  }

  private _flush(): void {
    this._inPost = this._post(this._queue.shift()!, (error) => {
      this._inPost = undefined;
      if (error) this._fail(error);
      else if (this._queue.length) this._flush();
      else if (this._state === OPEN) this._context.sink.onDrain();
      else this._tryPause();
    });
  }

  protected _tryPause(): void {
    if (this._inGet || this._inPost || this._state !== PAUSING) return;
    clearTimeout(this._timer);
    this._state = PAUSED;
    this._onPaused!();
  }

  /** Closed for good: the timer and the requests in flight stop. */
  private _stop(): void {
    this._state = CLOSED;
    clearTimeout(this._timer);
    this._inGet?.();
    this._inPost?.();
    this._inGet = this._inPost = undefined;
  }
}

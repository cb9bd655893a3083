// What the four half-duplex HTTP transports (polling, xhr-multipart, htmlfile, jsonp) have in common, as a
// small template: the public methods guard the state (idle → opening → open → pausing → paused, closed from
// anywhere), keep one receiving request (a poll or a stream) and one POST in flight at a time, queue sends,
// pause for an upgrade away, apply the close POST rule, and decode and deliver payloads. A transport
// implements only how it receives (`_receive`: XHR/fetch GET, multipart stream, iframe, `<script>`) and how it
// posts (`_post`); streaming ones extend HttpStreamTransport. Only HTTP transport packages import it, so a
// client + websocket bundle drops it; it references no request code, so JSONP (which posts forms) has no XHR.
// @see https://github.com/socketio/engine.io-protocol#http-long-polling  and  PROTOCOL.md §1, §3–5

import { decodePayload, encodePayload, type EnginePacket } from "./engine-codec.js";
import { ProtocolError, TransportError } from "./errors.js";
import { cacheBuster } from "./http-send.js";
import { buildUrl, type Transport, type TransportContext, type TransportName } from "./transport.js";

/** Called once when a POST settled: an error, or nothing for success. */
export type HttpPostDone = (error?: TransportError) => void;

/** idle → opening → open → pausing → paused; closed from anywhere, for good. */
export type HttpTransportState = "idle" | "opening" | "open" | "pausing" | "paused" | "closed";

const noop = (): void => {};

export abstract class HttpTransport implements Transport {
  abstract readonly name: TransportName;
  /** Value of `transport=` when it is not the name (jsonp: `polling`). */
  protected readonly _wire?: string;
  /** Receives on a held stream (HttpStreamTransport) rather than one poll per answer. */
  protected readonly _stream: boolean = false;
  protected _state: HttpTransportState = "idle";
  /** Opened without `sid`: the first payload must carry the open packet. */
  protected _handshake = false;
  /** A close packet went either way: the server knows the session is over, so close() must not POST one. */
  private _ended = false;
  protected _receiving: (() => void) | undefined;
  protected _posting: (() => void) | undefined;
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
    return (this._state === "open" || this._state === "pausing") && !this._posting;
  }

  /** Requests in flight now (`get` for polling transports, `stream` for streaming ones): never more than one each. */
  get inFlight(): { readonly get?: boolean; readonly stream?: boolean; readonly post: boolean } {
    return { [this._stream ? "stream" : "get"]: !!this._receiving, post: !!this._posting };
  }

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    // Handshake: onOpen comes with the open packet.
    if ((this._handshake = !("sid" in this._context.query()))) this._start();
    else this._join();
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this._state !== "open" && this._state !== "pausing") return;
    this._enqueue(this._queue, packets);
    // A session that writes the close packet itself (then closes on drain) must not get a second one.
    if (packets.some((p) => p.type === "close")) this._ended = true;
    if (!this._posting && this._queue.length) this._postNext();
  }

  /** Waits for the pending receive (the server answers or ends it once an upgrade away was probed) and POST. */
  pause(onPaused: () => void): void {
    if (this._state === "paused") return onPaused();
    if (this._state !== "open") return;
    this._state = "pausing";
    this._onPaused = onPaused;
    this._checkPaused();
  }

  close(): void {
    if (this._state === "closed") return;
    // Tell the server, as a stock client does, so it frees the session now rather than after pingTimeout; not
    // when paused (the session moved to another transport) nor once a close packet went either way.
    const tell = (this._state === "open" || this._state === "pausing") && !this._ended;
    const inFlight = this._posting;
    this._posting = undefined;
    this._release();
    this._closePost(tell, inFlight);
  }

  /** Joining a session: onOpen on a fresh task (never from inside open()), then the first poll. */
  protected _join(): void {
    this._timer = setTimeout(() => {
      this._toOpen();
      if (this._state === "open") this._start();
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
    if (tell) this._post("1", noop);
  }

  /** `base?<query>&transport=<wire>&<extra>&t=<cache buster>` */
  protected _url(extra?: Record<string, string>): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: this._wire ?? this.name, ...extra, t: cacheBuster() });
  }

  /** Decodes one payload and hands its packets to the session; false once the transport is closed. */
  protected _deliver(payload: string, url: string): boolean {
    let packets: EnginePacket[];
    const handshaking = this._state === "opening" && this._handshake;
    try {
      // No maxPayload here: it bounds what the server accepts from us, while a stock server flushes its whole
      // buffer into one response; and the payload is already in memory, so a limit would protect nothing.
      packets = decodePayload(payload, "arraybuffer");
      if (handshaking && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(payload.slice(0, 40))}`);
      }
    } catch (cause) {
      this._bad(url, cause as Error);
      return false;
    }
    if (handshaking) this._toOpen();
    for (const packet of packets) {
      // The session may close or pause us from inside onPacket: re-check before every delivery.
      if (this._state === "closed") return false;
      this._context.sink.onPacket(packet);
      if (packet.type === "close") {
        this._ended = true;
        this._fail(undefined, "transport close");
      }
    }
    return this._state !== "closed";
  }

  /** The receiving request (from `_from`) ended as intended: the next one starts, or a pending pause completes. */
  protected _end(_from: string): void {
    this._receiving = undefined;
    if (this._state === "open") this._start();
    else if (this._state === "pausing") this._checkPaused();
  }

  /** The transport failed (or, without an error, the server closed it): all is released, the session hears it once. */
  protected _fail(error?: TransportError, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._release();
    this._context.sink.onClose(reason, error);
  }

  /** What arrived from `url` is not what the protocol says. */
  protected _bad(url: string, cause: Error): void {
    this._fail(new TransportError(`Failed to decode the ${this._stream ? "stream" : "response"} of GET ${url} (${this.name}): ${cause.message}`, this.name, { cause }), "parse error");
  }

  protected _start(): void {
    this._receiving = this._receive(this._state === "opening");
  }

  protected _toOpen(): void {
    this._state = "open";
    this._context.sink.onOpen();
  }

  private _postNext(): void {
    this._posting = this._post(this._queue.shift()!, (error) => {
      this._posting = undefined;
      if (error) return this._fail(error);
      if (this._queue.length) return this._postNext();
      if (this._state === "pausing") return this._checkPaused();
      if (this._state === "open") this._context.sink.onDrain();
    });
  }

  protected _checkPaused(): void {
    if (this._receiving || this._posting || this._state !== "pausing") return;
    clearTimeout(this._timer);
    this._state = "paused";
    const onPaused = this._onPaused!;
    this._onPaused = undefined;
    onPaused();
  }

  private _release(): void {
    this._state = "closed";
    clearTimeout(this._timer);
    this._receiving?.();
    this._posting?.();
    this._receiving = this._posting = this._onPaused = undefined;
    this._queue = [];
  }
}

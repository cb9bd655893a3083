// What the half-duplex HTTP transports (polling, xhr-multipart, htmlfile, jsonp) have in common, as a small
// template: the public methods guard the state, keep one receiving request (a poll or a stream) and one POST in
// flight at a time (the session sends only while `writable`), pause for an upgrade away, apply the close POST
// rule, and decode and deliver payloads. A transport implements only how it receives (`_receive`: a fetch GET, a
// multipart stream, an iframe, a `<script>`) and how it posts (`_post`); those whose requests are plain fetches
// extend FetchTransport. Only HTTP transport packages import it, so a client + websocket bundle drops it; it makes
// no request itself, so JSONP (a `<script>` GET, a no-cors POST of its own) carries none of FetchTransport.
// @see https://github.com/socketio/engine.io-protocol#http-long-polling  and  PROTOCOL.md §1, §3–5

import { decodePayload, encodePayload, type EnginePacket } from "./engine-codec.js";
import { TransportError } from "./errors.js";
import { buildUrl, type Transport, type TransportContext, type TransportName } from "./transport.js";

/** Called once when a POST went through (a failed one fails the transport instead). */
export type HttpPostDone = () => void;

let sequence = 0;

/**
 * A short value for the `t` query key, unique per request in this realm (defeats caches that ignore headers):
 * the time (8 base-36 digits until 2059, so never ambiguous) and a counter.
 */
export const cacheBuster = (): string => Date.now().toString(36) + sequence++;

// States (numbers: shorter than names once minified), ordered so that "open or pausing", the two in which
// sending is allowed, is `>= OPEN`. idle (unset, as 0 would be) → OPENING → OPEN → PAUSING → CLOSED; CLOSED from
// anywhere, for good. Paused is closed: an upgrade pauses a transport once, nothing is in flight then, and the
// session closes it next (close() has nothing left to stop, and must not POST the close packet).
export const CLOSED = 1;
export const OPENING = 2;
export const OPEN = 3;
export const PAUSING = 4;
export type HttpTransportState = 0 | 1 | 2 | 3 | 4;

export abstract class HttpTransport implements Transport {
  abstract readonly name: TransportName;
  /** Value of `transport=` when it is not the name (jsonp: `polling`). */
  protected readonly _wire?: string;
  /**
   * Unset (undefined) while idle: every comparison below treats it as it would 0 (falsy, equal to no state,
   * never `>= OPEN`), and without a field initializer there is no constructor code for it.
   */
  declare protected _state: HttpTransportState;
  /** A close packet went out: the server knows the session is over, so close() must not POST one. */
  private _ended?: boolean;
  /** Aborts of the receiving request and of the POST in flight (set while one is in flight). */
  protected _inGet?: () => void;
  protected _inPost?: () => void;
  private _onPaused?: () => void;
  /** Joining: the onOpen-on-a-fresh-task timer. */
  protected _timer?: ReturnType<typeof setTimeout>;

  constructor(protected readonly _context: TransportContext) {}

  /** Starts one receiving request; returns its abort. */
  protected abstract _receive(): () => void;

  /** Posts one body; `done` once, never after the returned abort ran. */
  protected abstract _post(body: string, done: HttpPostDone): () => void;

  get writable(): boolean {
    return this._state >= OPEN && !this._inPost;
  }

  /**
   * The first receive starts at once. A handshake (no `sid`) opens with its first payload, which brings the open
   * packet; joining a session (an upgrade probe) gets none, so it opens on a fresh task (never inside open()).
   */
  open(): void {
    if (this._state) return;
    this._state = OPENING;
    if ("sid" in this._context.query()) this._timer = setTimeout(() => this._ready());
    this._inGet = this._receive();
  }

  /**
   * Only while `writable` (the contract: the session waits for onDrain), so one POST is in flight at a time.
   * Blobs must have been read into ArrayBuffers (the session does): a text payload cannot carry them.
   */
  send(packets: EnginePacket[]): void {
    // Guarded all the same, as the contract's public methods are: once closed (or paused) nothing may go out, and a
    // POST then would outlive close(), which aborts only what is in flight.
    if (this._state < OPEN) return;
    // A session that writes the close packet itself (then closes on drain) must not get a second one.
    if (packets.some((p) => p.type == "close")) this._ended = true;
    this._write(packets);
  }

  /**
   * Waits for the pending receive (the server answers or ends it once an upgrade away was probed) and POST.
   * Only when open: an upgrade pauses a transport once.
   */
  pause(onPaused: () => void): void {
    if (this._state != OPEN) return;
    this._state = PAUSING;
    this._onPaused = onPaused;
    this._tryPause();
  }

  close(): void {
    if (this._state == CLOSED) return;
    // Tell the server, as a stock client does, so it frees the session now rather than after pingTimeout; not
    // while opening, nor once a close packet went either way (a paused transport is closed already: the session
    // moved to another one).
    this._closePost(this._state >= OPEN && !this._ended);
    this._stop();
  }

  /** Posts the packets of one send() as one body. */
  protected _write(packets: EnginePacket[]): void {
    this._inPost = this._post(encodePayload(packets), () => this._posted());
  }

  /** The POST in flight went through: writable again, or a pending pause completes. */
  protected _posted(): void {
    this._inPost = undefined;
    if (this._state == OPEN) this._context.sink.onDrain();
    else this._tryPause();
  }

  /**
   * On close(), before the requests in flight stop: (`tell`) POST the close packet, detached: nothing reports
   * back from it, and the server answers it at once.
   */
  protected _closePost(tell: boolean): void {
    if (tell) this._post("1", () => {});
  }

  /** `base?<query>&transport=<wire>&<extra>&t=<cache buster>` */
  protected _url(extra?: Record<string, string>): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: this._wire ?? this.name, ...extra, t: cacheBuster() });
  }

  /** Decodes one payload and hands its packets to the session; false once the transport is closed. */
  protected _deliver(payload: string): boolean {
    let packets: EnginePacket[];
    try {
      // No maxPayload here: it bounds what the server accepts from us, while a stock server flushes its whole
      // buffer into one response; and the payload is already in memory, so a limit would protect nothing.
      packets = decodePayload(payload);
    } catch (cause) {
      this._bad(cause as Error);
      return false;
    }
    // A handshake's first payload: the session takes the open packet from it (and waits for one).
    this._ready();
    for (const packet of packets) {
      // The session may close or pause us from inside onPacket: re-check before every delivery.
      if (this._state == CLOSED) return false;
      this._context.sink.onPacket(packet);
      // The server closed the session: no close packet back.
      if (packet.type == "close") this._fail(undefined, "transport close");
    }
    return this._state != CLOSED;
  }

  /** The receiving request ended as intended: the next one starts, or a pending pause completes. */
  protected _end(): void {
    this._inGet = undefined;
    if (this._state == OPEN) this._inGet = this._receive();
    // A handshake's receive ended without a payload (a stream ended empty): nothing will bring the open packet.
    else if (this._state == OPENING) this._fail(new TransportError("no open packet", this.name));
    else this._tryPause();
  }

  /** The transport failed (or, without an error, the server closed it): all is released, the session hears it once. */
  protected _fail(error?: TransportError, reason = "transport error"): void {
    if (this._state == CLOSED) return;
    this._stop();
    this._context.sink.onClose(reason, error);
  }

  /** What arrived is not what the protocol says (the cause's message says what). */
  protected _bad(cause: Error): void {
    this._fail(new TransportError(cause.message, this.name, { cause }), "parse error");
  }

  /** Now open, if still opening: tell the session. */
  protected _ready(): void {
    if (this._state == OPENING) {
      this._state = OPEN;
      this._context.sink.onOpen();
    }
  }

  protected _tryPause(): void {
    if (this._inGet || this._inPost || this._state != PAUSING) return;
    this._state = CLOSED;
    this._onPaused!();
  }

  /** Closed for good: the timer and the requests in flight stop. */
  private _stop(): void {
    this._state = CLOSED;
    clearTimeout(this._timer);
    this._inGet?.();
    this._inPost?.();
  }
}

// AJAX long-polling transport: a held GET receives, a POST sends, at most one of each in flight. Runs in
// every page (XMLHttpRequest) and in Node/workers (fetch).
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest
// @see https://github.com/socketio/engine.io-protocol#http-long-polling

import {
  ProtocolError,
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

type State = "idle" | "opening" | "open" | "pausing" | "paused" | "closed";

export class PollingTransport implements Transport {
  readonly name = "polling";
  private _state: State = "idle";
  /** Abort handles of the requests in flight: at most one GET and one POST, ever. */
  private _getAbort: (() => void) | undefined;
  private _postAbort: (() => void) | undefined;
  /** Batches handed to send() while a POST was in flight, posted one after another. */
  private _queue: string[] = [];
  private _onPaused: (() => void) | undefined;
  private _openTimer: ReturnType<typeof setTimeout> | undefined;
  /** A close packet went either way: the server knows the session is over, so close() must not POST one. */
  private _ended = false;

  constructor(private readonly _context: TransportContext) {}

  get writable(): boolean {
    return (this._state === "open" || this._state === "pausing") && !this._postAbort;
  }

  /** Requests in flight right now (tests check the one-GET-one-POST invariant through this). */
  get inFlight(): { get: boolean; post: boolean } {
    return { get: !!this._getAbort, post: !!this._postAbort };
  }

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    if ("sid" in this._context.query()) {
      // Joining a known session: nothing to wait for; report on a fresh task, never from inside open().
      this._openTimer = setTimeout(() => {
        this._openTimer = undefined;
        this._state = "open";
        this._context.sink.onOpen();
        this._poll();
      }, 0);
      return;
    }
    // Handshake: the first GET answers the open packet; onOpen fires when it arrives.
    this._poll();
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this._state !== "open" && this._state !== "pausing") return;
    this._queue.push(encodePayload(packets));
    // A session that writes the close packet itself (then closes on drain) must not get a second one.
    if (packets.some((p) => p.type === "close")) this._ended = true;
    if (!this._postAbort) this._post();
  }

  pause(onPaused: () => void): void {
    if (this._state === "paused") return onPaused();
    if (this._state !== "open") return;
    this._state = "pausing";
    this._onPaused = onPaused;
    this._checkPaused();
  }

  close(): void {
    if (this._state === "closed") return;
    const tellServer = (this._state === "open" || this._state === "pausing") && !this._ended;
    this._release();
    // Tell the server, as a stock client does, so it frees the session now rather than after pingTimeout.
    // This request is detached: nothing reports back from it, and the server answers it at once.
    if (tellServer) httpSend(this._context, { method: "POST", url: this._url(), body: "1", transport: this.name }, () => {});
  }

  private _url(): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: "polling", t: cacheBuster() });
  }

  private _poll(): void {
    const url = this._url();
    this._getAbort = httpSend(this._context, { method: "GET", url, transport: this.name }, (error, body) => {
      this._getAbort = undefined;
      if (error) return this._fail(error);
      this._onPayload(body, url);
    });
  }

  private _onPayload(body: string, url: string): void {
    let packets: EnginePacket[];
    try {
      // No maxPayload here: it bounds what the server accepts from us, while a stock server flushes its
      // whole buffer into one response; and the body is already in memory, so a limit would protect nothing.
      packets = decodePayload(body, "arraybuffer");
      if (this._state === "opening" && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      return this._fail(
        new TransportError(`Failed to decode the response of GET ${url} (polling): ${(cause as Error).message}`, this.name, {
          cause,
        }),
        "parse error",
      );
    }
    if (this._state === "opening") {
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
    if (this._state === "open") this._poll();
    else if (this._state === "pausing") this._checkPaused();
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
    if (this._getAbort || this._postAbort || this._state !== "pausing") return;
    this._state = "paused";
    const onPaused = this._onPaused!;
    this._onPaused = undefined;
    onPaused();
  }

  private _fail(error: TransportError, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._release();
    this._context.sink.onClose(reason, error);
  }

  private _release(): void {
    this._state = "closed";
    clearTimeout(this._openTimer);
    this._openTimer = undefined;
    this._getAbort?.();
    this._postAbort?.();
    this._getAbort = this._postAbort = this._onPaused = undefined;
    this._queue = [];
  }
}

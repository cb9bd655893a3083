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
  private state: State = "idle";
  /** Abort handles of the requests in flight: at most one GET and one POST, ever. */
  private getAbort: (() => void) | undefined;
  private postAbort: (() => void) | undefined;
  /** Batches handed to send() while a POST was in flight, posted one after another. */
  private queue: string[] = [];
  private onPaused: (() => void) | undefined;
  private openTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server sent the close packet: the session is over there, so close() must not POST one. */
  private serverClosed = false;

  constructor(private readonly context: TransportContext) {}

  get writable(): boolean {
    return (this.state === "open" || this.state === "pausing") && !this.postAbort;
  }

  /** Requests in flight right now (tests check the one-GET-one-POST invariant through this). */
  get inFlight(): { get: boolean; post: boolean } {
    return { get: !!this.getAbort, post: !!this.postAbort };
  }

  open(): void {
    if (this.state !== "idle") return;
    this.state = "opening";
    if ("sid" in this.context.query()) {
      // Joining a known session: nothing to wait for; report on a fresh task, never from inside open().
      this.openTimer = setTimeout(() => {
        this.openTimer = undefined;
        this.state = "open";
        this.context.sink.onOpen();
        this.poll();
      }, 0);
      return;
    }
    // Handshake: the first GET answers the open packet; onOpen fires when it arrives.
    this.poll();
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this.state !== "open" && this.state !== "pausing") return;
    this.queue.push(encodePayload(packets));
    if (!this.postAbort) this.post();
  }

  pause(onPaused: () => void): void {
    if (this.state === "paused") return onPaused();
    if (this.state !== "open") return;
    this.state = "pausing";
    this.onPaused = onPaused;
    this.checkPaused();
  }

  close(): void {
    if (this.state === "closed") return;
    const tellServer = (this.state === "open" || this.state === "pausing") && !this.serverClosed;
    this.release();
    // Tell the server, as a stock client does, so it frees the session now rather than after pingTimeout.
    // This request is detached: nothing reports back from it, and the server answers it at once.
    if (tellServer) httpSend(this.context, { method: "POST", url: this.url(), body: "1", transport: this.name }, () => {});
  }

  private url(): string {
    return buildUrl(this.context.base, { ...this.context.query(), transport: "polling", t: cacheBuster() });
  }

  private poll(): void {
    const url = this.url();
    this.getAbort = httpSend(this.context, { method: "GET", url, transport: this.name }, (error, body) => {
      this.getAbort = undefined;
      if (error) return this.fail(error);
      this.onPayload(body, url);
    });
  }

  private onPayload(body: string, url: string): void {
    let packets: EnginePacket[];
    try {
      // No maxPayload here: it bounds what the server accepts from us, while a stock server flushes its
      // whole buffer into one response; and the body is already in memory, so a limit would protect nothing.
      packets = decodePayload(body, "arraybuffer");
      if (this.state === "opening" && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      return this.fail(
        new TransportError(`Failed to decode the response of GET ${url} (polling): ${(cause as Error).message}`, this.name, {
          cause,
        }),
        "parse error",
      );
    }
    if (this.state === "opening") {
      this.state = "open";
      this.context.sink.onOpen();
    }
    for (const packet of packets) {
      // The sink may close or pause us from inside onPacket: re-check before every delivery.
      if (this.state === "closed") return;
      this.context.sink.onPacket(packet);
      if (packet.type === "close") {
        this.serverClosed = true;
        if ((this.state as State) === "closed") return;
        this.release();
        return this.context.sink.onClose("transport close");
      }
    }
    if (this.state === "open") this.poll();
    else if (this.state === "pausing") this.checkPaused();
  }

  private post(): void {
    const body = this.queue.shift()!;
    this.postAbort = httpSend(this.context, { method: "POST", url: this.url(), body, transport: this.name }, (error) => {
      this.postAbort = undefined;
      if (error) return this.fail(error);
      if (this.queue.length) return this.post();
      if (this.state === "pausing") return this.checkPaused();
      if (this.state === "open") this.context.sink.onDrain();
    });
  }

  private checkPaused(): void {
    if (this.getAbort || this.postAbort || this.state !== "pausing") return;
    this.state = "paused";
    const onPaused = this.onPaused!;
    this.onPaused = undefined;
    onPaused();
  }

  private fail(error: TransportError, reason = "transport error"): void {
    if (this.state === "closed") return;
    this.release();
    this.context.sink.onClose(reason, error);
  }

  private release(): void {
    this.state = "closed";
    clearTimeout(this.openTimer);
    this.openTimer = undefined;
    this.getAbort?.();
    this.postAbort?.();
    this.getAbort = this.postAbort = this.onPaused = undefined;
    this.queue = [];
  }
}

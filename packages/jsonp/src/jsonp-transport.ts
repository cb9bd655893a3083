// JSONP polling transport: each GET is a `<script src>` calling back into `___eio[j]`, each POST a hidden form
// submitted into a hidden iframe. Runs in any page, cross-origin with no CORS at all (its reason to exist).
// Wire name `polling` with `j=<index>`; state machine and pause semantics as @omnio/polling.
// @see ../../../../shared/PROTOCOL.md §3
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script

import {
  ProtocolError,
  TransportError,
  buildUrl,
  cacheBuster,
  decodePayload,
  encodePayload,
  type EnginePacket,
  type Transport,
  type TransportContext,
} from "@omnio/client";
import { FormPost } from "./form-post.js";
import { escapeNewlines, formEncodedLength } from "./newline-escape.js";
import { scriptGet, type ScriptGet } from "./script-get.js";

export interface JsonpTransportOptions {
  /** Deadline (ms) for what the server answers at once: the handshake GET and every POST. Default 10 000. */
  timeout?: number;
  /**
   * Deadline (ms) for a held poll GET. Default: the handshake's pingInterval + pingTimeout (the server must
   * answer a poll at least every pingInterval, with a ping) plus `timeout`; 45 000 + `timeout` before it is known.
   */
  pollTimeout?: number;
  /** CSP nonce put on every `<script>` (pages whose CSP allows scripts by nonce). */
  nonce?: string;
}

type State = "idle" | "opening" | "open" | "pausing" | "paused" | "closed";

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_HEARTBEAT = 45_000;
/** `\x1e` between two packets, form-encoded. */
const SEPARATOR_COST = 3;

export class JsonpTransport implements Transport {
  readonly name = "jsonp";
  private state: State = "idle";
  private get: ScriptGet | undefined;
  private post: FormPost | undefined;
  /** Escaped form values (and their form-encoded size) waiting for the POST in flight, posted in order. */
  private queue: { value: string; size: number }[] = [];
  private onPaused: (() => void) | undefined;
  private deferTimer: ReturnType<typeof setTimeout> | undefined;
  /** The server sent the close packet: close() must not POST one. */
  private serverClosed = false;
  /** pingInterval + pingTimeout once the open packet went through here. */
  private heartbeatMs: number | undefined;
  private readonly timeout: number;

  constructor(
    private readonly context: TransportContext,
    private readonly options: JsonpTransportOptions = {},
  ) {
    this.timeout = options.timeout ?? DEFAULT_TIMEOUT;
  }

  get writable(): boolean {
    return (this.state === "open" || this.state === "pausing") && !this.post;
  }

  /** Requests in flight right now (tests check the one-GET-one-POST invariant through this). */
  get inFlight(): { get: boolean; post: boolean } {
    return { get: !!this.get, post: !!this.post };
  }

  open(): void {
    if (this.state !== "idle") return;
    this.state = "opening";
    const joining = "sid" in this.context.query();
    // Never report from inside open(): start on a fresh task.
    this.deferTimer = setTimeout(() => {
      this.deferTimer = undefined;
      if (joining) {
        this.state = "open";
        this.context.sink.onOpen();
        if (this.state !== "open") return;
      }
      // Handshake: onOpen fires when the first GET brings the open packet.
      this.poll();
    }, 0);
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this.state !== "open" && this.state !== "pausing") return;
    this.enqueue(packets);
    if (!this.post && this.queue.length) this.postNext();
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
    const inFlight = this.post;
    this.post = undefined;
    this.release();
    // Removing an iframe aborts its POST mid-body (a stock server then errors the session), so a POST in
    // flight is left to finish on its own, bounded by its deadline; then, as a stock client does, one last
    // POST of the close packet frees the session now rather than after pingTimeout. Both remove their
    // iframe and form when they load (or at their deadline) and never report.
    const sendClose = (): void => {
      if (tellServer) new FormPost(this.context.global.document, this.postUrl(), "1", this.timeout, () => {});
    };
    if (inFlight) inFlight.done = sendClose;
    else sendClose();
  }

  /**
   * Queue packets as form values, each at most maxPayload form-encoded (a lone oversized packet goes alone,
   * the server decides). Packets sent while a POST is in flight join the last queued value when they fit,
   * so a burst of single sends becomes a few POSTs rather than one iframe each.
   */
  private enqueue(packets: EnginePacket[]): void {
    const max = this.context.maxPayload() - 2; // "d="
    let last = this.queue[this.queue.length - 1];
    for (const packet of packets) {
      const value = escapeNewlines(encodePayload([packet]));
      const size = formEncodedLength(value);
      if (last && last.size + SEPARATOR_COST + size <= max) {
        last.value += "\x1e" + value;
        last.size += SEPARATOR_COST + size;
      } else this.queue.push((last = { value, size }));
    }
  }

  private postUrl(): string {
    return buildUrl(this.context.base, { ...this.context.query(), transport: "polling", t: cacheBuster() });
  }

  private poll(): void {
    const handshake = this.state === "opening";
    const timeoutMs = handshake
      ? this.timeout
      : (this.options.pollTimeout ?? (this.heartbeatMs ?? DEFAULT_HEARTBEAT) + this.timeout);
    let url = "";
    try {
      this.get = scriptGet(
        this.context.global,
        {
          url: (j) => (url = buildUrl(this.context.base, { ...this.context.query(), transport: "polling", j: String(j), t: cacheBuster() })),
          timeoutMs,
          nonce: this.options.nonce,
        },
        (error, body) => {
          this.get = undefined;
          if (error) return this.fail(error);
          this.onPayload(body, url);
        },
      );
    } catch (cause) {
      // claimSlot refused (a page-owned `___eio` that is not an array): report on a fresh task.
      const error = cause instanceof TransportError ? cause : new TransportError(`Failed to start a jsonp GET: ${String(cause)}`, this.name, { cause });
      this.deferTimer = setTimeout(() => this.fail(error), 0);
    }
  }

  private onPayload(body: string, url: string): void {
    let packets: EnginePacket[];
    try {
      packets = decodePayload(body, "arraybuffer");
      if (this.state === "opening" && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      return this.fail(
        new TransportError(`Failed to decode the response of GET ${url} (jsonp): ${(cause as Error).message}`, this.name, { cause }),
        "parse error",
      );
    }
    if (this.state === "opening") {
      this.learnHeartbeat(packets[0]!.data);
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

  private postNext(): void {
    const { value } = this.queue.shift()!;
    this.post = new FormPost(this.context.global.document, this.postUrl(), value, this.timeout, (error) => {
      this.post = undefined;
      if (error) return this.fail(error);
      if (this.queue.length) return this.postNext();
      if (this.state === "pausing") return this.checkPaused();
      if (this.state === "open") this.context.sink.onDrain();
    });
  }

  private learnHeartbeat(data: EnginePacket["data"]): void {
    if (typeof data !== "string") return;
    try {
      const open = JSON.parse(data) as { pingInterval?: unknown; pingTimeout?: unknown };
      const { pingInterval, pingTimeout } = open;
      if (typeof pingInterval === "number" && typeof pingTimeout === "number" && pingInterval >= 0 && pingTimeout >= 0) {
        this.heartbeatMs = pingInterval + pingTimeout;
      }
    } catch {
      // The session validates the open packet; a bad one just leaves the default deadline here.
    }
  }

  private checkPaused(): void {
    if (this.get || this.post || this.state !== "pausing") return;
    this.state = "paused";
    const onPaused = this.onPaused!;
    this.onPaused = undefined;
    onPaused();
  }

  private fail(error: TransportError, reason = "transport error"): void {
    if (this.state === "closed") return;
    this.post?.cancel();
    this.post = undefined;
    this.release();
    this.context.sink.onClose(reason, error);
  }

  /** Everything but a POST in flight (the caller decides: cancel it, or let it finish detached). */
  private release(): void {
    this.state = "closed";
    clearTimeout(this.deferTimer);
    this.deferTimer = undefined;
    this.get?.abandon();
    this.get = this.onPaused = undefined;
    this.queue = [];
  }
}

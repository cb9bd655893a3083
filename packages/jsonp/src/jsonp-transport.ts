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
  private _state: State = "idle";
  private _get: ScriptGet | undefined;
  private _post: FormPost | undefined;
  /** Escaped form values (and their form-encoded size) waiting for the POST in flight, posted in order. */
  private _queue: { value: string; size: number }[] = [];
  private _onPaused: (() => void) | undefined;
  private _deferTimer: ReturnType<typeof setTimeout> | undefined;
  /** A close packet went either way: the server knows the session is over, so close() must not POST one. */
  private _ended = false;
  /** pingInterval + pingTimeout once the open packet went through here. */
  private _heartbeatMs: number | undefined;
  /** `j` of the latest GET. POSTs carry it too: it marks them as JSONP (@omnio/server routes by it; stock ignores it). */
  private _lastIndex = 0;
  private readonly _timeout: number;

  constructor(
    private readonly _context: TransportContext,
    private readonly _options: JsonpTransportOptions = {},
  ) {
    this._timeout = _options.timeout ?? DEFAULT_TIMEOUT;
  }

  get writable(): boolean {
    return (this._state === "open" || this._state === "pausing") && !this._post;
  }

  /** Requests in flight right now (tests check the one-GET-one-POST invariant through this). */
  get inFlight(): { get: boolean; post: boolean } {
    return { get: !!this._get, post: !!this._post };
  }

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    const joining = "sid" in this._context.query();
    // Never report from inside open(): start on a fresh task.
    this._deferTimer = setTimeout(() => {
      this._deferTimer = undefined;
      if (joining) {
        this._state = "open";
        this._context.sink.onOpen();
        if (this._state !== "open") return;
      }
      // Handshake: onOpen fires when the first GET brings the open packet.
      this._poll();
    }, 0);
  }

  /** Throws ProtocolError for packets a text payload cannot carry (a Blob: convert it first). */
  send(packets: EnginePacket[]): void {
    if (this._state !== "open" && this._state !== "pausing") return;
    if (packets.some((p) => p.type === "close")) this._ended = true;
    this._enqueue(packets);
    if (!this._post && this._queue.length) this._postNext();
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
    const inFlight = this._post;
    this._post = undefined;
    this._release();
    // Removing an iframe aborts its POST mid-body (a stock server then errors the session), so a POST in
    // flight is left to finish on its own, bounded by its deadline; then, as a stock client does, one last
    // POST of the close packet frees the session now rather than after pingTimeout. Both remove their
    // iframe and form when they load (or at their deadline) and never report.
    const sendClose = (): void => {
      if (tellServer) new FormPost(this._context.global.document, this._postUrl(), "1", this._timeout, () => {});
    };
    if (inFlight) inFlight.done = sendClose;
    else sendClose();
  }

  /**
   * Queue packets as form values, each at most maxPayload form-encoded (a lone oversized packet goes alone,
   * the server decides). Packets sent while a POST is in flight join the last queued value when they fit,
   * so a burst of single sends becomes a few POSTs rather than one iframe each.
   */
  private _enqueue(packets: EnginePacket[]): void {
    const max = this._context.maxPayload() - 2; // "d="
    let last = this._queue[this._queue.length - 1];
    for (const packet of packets) {
      const value = escapeNewlines(encodePayload([packet]));
      const size = formEncodedLength(value);
      if (last && last.size + SEPARATOR_COST + size <= max) {
        last.value += "\x1e" + value;
        last.size += SEPARATOR_COST + size;
      } else this._queue.push((last = { value, size }));
    }
  }

  private _postUrl(): string {
    return buildUrl(this._context.base, { ...this._context.query(), transport: "polling", j: String(this._lastIndex), t: cacheBuster() });
  }

  private _poll(): void {
    const handshake = this._state === "opening";
    const timeoutMs = handshake
      ? this._timeout
      : (this._options.pollTimeout ?? (this._heartbeatMs ?? DEFAULT_HEARTBEAT) + this._timeout);
    let url = "";
    try {
      this._get = scriptGet(
        this._context.global,
        {
          url: (j) => {
            this._lastIndex = j;
            return (url = buildUrl(this._context.base, { ...this._context.query(), transport: "polling", j: String(j), t: cacheBuster() }));
          },
          timeoutMs,
          nonce: this._options.nonce,
        },
        (error, body) => {
          this._get = undefined;
          if (error) return this._fail(error);
          this._onPayload(body, url);
        },
      );
    } catch (cause) {
      // claimSlot refused (a page-owned `___eio` that is not an array): report on a fresh task.
      const error = cause instanceof TransportError ? cause : new TransportError(`Failed to start a jsonp GET: ${String(cause)}`, this.name, { cause });
      this._deferTimer = setTimeout(() => this._fail(error), 0);
    }
  }

  private _onPayload(body: string, url: string): void {
    let packets: EnginePacket[];
    try {
      packets = decodePayload(body, "arraybuffer");
      if (this._state === "opening" && packets[0]?.type !== "open") {
        throw new ProtocolError(`expected the open packet first, got ${JSON.stringify(body.slice(0, 40))}`);
      }
    } catch (cause) {
      return this._fail(
        new TransportError(`Failed to decode the response of GET ${url} (jsonp): ${(cause as Error).message}`, this.name, { cause }),
        "parse error",
      );
    }
    if (this._state === "opening") {
      this._learnHeartbeat(packets[0]!.data);
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

  private _postNext(): void {
    const { value } = this._queue.shift()!;
    this._post = new FormPost(this._context.global.document, this._postUrl(), value, this._timeout, (error) => {
      this._post = undefined;
      if (error) return this._fail(error);
      if (this._queue.length) return this._postNext();
      if (this._state === "pausing") return this._checkPaused();
      if (this._state === "open") this._context.sink.onDrain();
    });
  }

  private _learnHeartbeat(data: EnginePacket["data"]): void {
    if (typeof data !== "string") return;
    try {
      const open = JSON.parse(data) as { pingInterval?: unknown; pingTimeout?: unknown };
      const { pingInterval, pingTimeout } = open;
      if (typeof pingInterval === "number" && typeof pingTimeout === "number" && pingInterval >= 0 && pingTimeout >= 0) {
        this._heartbeatMs = pingInterval + pingTimeout;
      }
    } catch {
      // The session validates the open packet; a bad one just leaves the default deadline here.
    }
  }

  private _checkPaused(): void {
    if (this._get || this._post || this._state !== "pausing") return;
    this._state = "paused";
    const onPaused = this._onPaused!;
    this._onPaused = undefined;
    onPaused();
  }

  private _fail(error: TransportError, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._post?.cancel();
    this._post = undefined;
    this._release();
    this._context.sink.onClose(reason, error);
  }

  /** Everything but a POST in flight (the caller decides: cancel it, or let it finish detached). */
  private _release(): void {
    this._state = "closed";
    clearTimeout(this._deferTimer);
    this._deferTimer = undefined;
    this._get?.abandon();
    this._get = this._onPaused = undefined;
    this._queue = [];
  }
}

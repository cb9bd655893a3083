// JSONP polling transport: each GET is a `<script src>` calling back into `___eio[j]`, each POST a hidden form
// submitted into a hidden iframe. Runs in any page, cross-origin with no CORS at all (its reason to exist).
// Wire name `polling` with `j=<index>`; state, queue, pause and close rule: HttpTransport, as @omnio/polling.
// @see ../../../../shared/PROTOCOL.md §3
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script

import { HttpTransport, TransportError, encodePayload, type EnginePacket, type HttpPostDone, type TransportContext } from "@omnio/client";
import { formPost, type FormPost } from "./form-post.js";
import { escapeNewlines, formEncodedLength } from "./newline-escape.js";
import { scriptGet } from "./script-get.js";

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

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_HEARTBEAT = 45_000;
/** `\x1e` between two packets, form-encoded. */
const SEPARATOR_COST = 3;

export class JsonpTransport extends HttpTransport {
  readonly name = "jsonp";
  protected override readonly _wire = "polling";
  /** The POST in flight. */
  private _form: FormPost | undefined;
  /** Form-encoded size of the last queued value, which later packets may join. */
  private _lastSize = 0;
  /** pingInterval + pingTimeout once the open packet went through here. */
  private _heartbeatMs: number | undefined;
  /** `j` of the latest GET. POSTs carry it too: it marks them as JSONP (@omnio/server routes by it; stock ignores it). */
  private _lastIndex = 0;
  private readonly _timeout: number;

  constructor(
    context: TransportContext,
    private readonly _options: JsonpTransportOptions = {},
  ) {
    super(context);
    this._timeout = _options.timeout ?? DEFAULT_TIMEOUT;
  }

  protected _receive(handshake: boolean): () => void {
    const timeoutMs = handshake ? this._timeout : (this._options.pollTimeout ?? (this._heartbeatMs ?? DEFAULT_HEARTBEAT) + this._timeout);
    let url = "";
    try {
      return scriptGet(
        this._context.global,
        { url: (j) => (url = this._url({ j: String((this._lastIndex = j)) })), timeoutMs, nonce: this._options.nonce },
        (error, body) => {
          if (error) return this._fail(error);
          if (handshake) this._learnHeartbeat(body);
          if (this._deliver(body, url)) this._end(url);
        },
      ).abandon;
    } catch (error) {
      // claimSlot refused (a page-owned `___eio` that is not an array): report on a fresh task.
      const timer = setTimeout(() => this._fail(error as TransportError), 0);
      return () => clearTimeout(timer);
    }
  }

  protected _post(value: string, done: HttpPostDone): () => void {
    const form = (this._form = formPost(this._context.global.document, this._url({ j: String(this._lastIndex) }), value, this._timeout, done));
    return form.cancel;
  }

  /**
   * Removing an iframe aborts its POST mid-body (a stock server then errors the session), so a POST in flight is
   * left to finish on its own, bounded by its deadline; then, as a stock client does, one last POST of the close
   * packet frees the session now rather than after pingTimeout. Both remove their iframe and form when they load
   * (or at their deadline) and never report.
   */
  protected override _closePost(tell: boolean, inFlight: (() => void) | undefined): void {
    const bye = (): void => {
      if (tell) this._post("1", () => {});
    };
    if (inFlight) this._form!.done = bye;
    else bye();
  }

  /**
   * Queue packets as form values, each at most maxPayload form-encoded (a lone oversized packet goes alone, the
   * server decides). Packets sent while a POST is in flight join the last queued value when they fit, so a burst
   * of single sends becomes a few POSTs rather than one iframe each.
   */
  protected override _enqueue(queue: string[], packets: EnginePacket[]): void {
    const max = this._context.maxPayload() - 2; // "d="
    for (const packet of packets) {
      const value = escapeNewlines(encodePayload([packet]));
      const size = formEncodedLength(value);
      const last = queue.length - 1;
      if (last >= 0 && this._lastSize + SEPARATOR_COST + size <= max) {
        queue[last] += "\x1e" + value;
        this._lastSize += SEPARATOR_COST + size;
      } else {
        queue.push(value);
        this._lastSize = size;
      }
    }
  }

  /** The handshake's answer starts with the open packet (`0{…}`): its heartbeat bounds the next polls. */
  private _learnHeartbeat(payload: string): void {
    try {
      const end = payload.indexOf("\x1e");
      const { pingInterval, pingTimeout } = JSON.parse(payload.slice(1, end < 0 ? undefined : end)) as { pingInterval?: unknown; pingTimeout?: unknown };
      if (typeof pingInterval === "number" && typeof pingTimeout === "number" && pingInterval >= 0 && pingTimeout >= 0) {
        this._heartbeatMs = pingInterval + pingTimeout;
      }
    } catch {
      // _deliver refuses a handshake answer that is not the open packet; a bad one leaves the default deadline.
    }
  }
}

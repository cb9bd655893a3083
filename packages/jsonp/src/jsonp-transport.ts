// JSONP polling transport: each GET is a `<script src>` calling back into `___eio[j]`, each POST a hidden form
// submitted into a hidden iframe. Runs in any page, cross-origin with no CORS at all (its reason to exist).
// Wire name `polling` with `j=<index>`; state, queue, pause and close rule: HttpTransport, as @omnio/polling.
// Like polling it has no deadlines of its own: the session's handshake deadline and heartbeat catch a hang.
// @see ../../../../shared/PROTOCOL.md §3
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script

import { HttpTransport, ProtocolError, TransportError, encodePayload, type EnginePacket, type HttpPostDone, type TransportContext } from "@omnio/client";
import { formPost } from "./form-post.js";
import { escapeNewlines } from "./newline-escape.js";
import { scriptGet } from "./script-get.js";

/** How long a POST may still take after close() before its iframe is removed (which aborts it). */
const LINGER_MS = 10_000;

export interface JsonpTransportOptions {
  /** CSP nonce put on every `<script>` (pages whose CSP allows scripts by nonce). */
  nonce?: string;
}

/** Length of `value` as the form sends it: `d=` + UTF-8, percent-encoded (`application/x-www-form-urlencoded`). */
const formSize = (value: string): number => String(new URLSearchParams({ d: value })).length;

export class JsonpTransport extends HttpTransport {
  readonly name = "jsonp";
  protected override readonly _wire = "polling";
  /** Where the POST in flight reports: the session, or after close() the close packet's POST. */
  private _then!: HttpPostDone;
  /** Form-encoded size of the last queued value, which later packets may join. */
  private _size!: number;

  constructor(
    context: TransportContext,
    private readonly _options: JsonpTransportOptions = {},
  ) {
    super(context);
  }

  protected _receive(): () => void {
    return scriptGet(this._context.global, (j) => this._url({ j: "" + j }), this._options.nonce, (settled, payload) => {
      if (settled.type == "error") return this._fail(new TransportError("JSONP script failed to load", "jsonp", { cause: settled }));
      if (typeof payload != "string") return this._bad(new ProtocolError("no string passed to ___eio"));
      if (this._deliver(payload)) this._end();
    });
  }

  /** POSTs carry a `j` too: it marks them as JSONP (@omnio/server routes by it; its value is not used). */
  protected _post(value: string, done: HttpPostDone): () => void {
    this._then = done;
    // (formPost reports no errors: a failed navigation loads too, and a dead server shows up on the GET side)
    return formPost(this._context.global.document, this._url({ j: "0" }), value, () => this._then());
  }

  /**
   * Removing an iframe aborts its POST mid-body (a stock server then errors the session), so a POST in flight is
   * left to finish on its own; then, as a stock client does, one last POST of the close packet frees the session
   * now rather than after pingTimeout. Neither reports; each is removed when it loads, or after LINGER_MS.
   */
  protected override _closePost(tell: boolean): void {
    const inFlight = this._inPost;
    this._inPost = undefined; // so that close() does not stop it
    const bye = (): void => void (tell && setTimeout(this._post("1", () => {}), LINGER_MS));
    if (inFlight) {
      this._then = bye;
      setTimeout(inFlight, LINGER_MS);
    } else bye();
  }

  /**
   * Queue packets as form values, each within maxPayload form-encoded (a lone oversized packet goes alone, the
   * server decides). Packets sent while a POST is in flight join the last queued value when they fit, so a burst
   * of single sends becomes a few POSTs rather than one iframe each.
   */
  protected override _enqueue(queue: string[], packets: EnginePacket[]): void {
    for (const packet of packets) {
      const value = escapeNewlines(encodePayload([packet]));
      const size = formSize(value) + 1; // joined: `%1E` instead of a second `d=`
      // (_size only matters while the queue is not empty, and is reset whenever a value is pushed)
      if (queue.length && (this._size += size) <= this._context.maxPayload()) queue[queue.length - 1] += "\x1e" + value;
      else {
        queue.push(value);
        this._size = size - 1;
      }
    }
  }
}

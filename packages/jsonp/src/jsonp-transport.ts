// JSONP polling transport: each GET is a `<script src>` calling back into `___eio[j]`, each POST a form body
// sent by a `no-cors` fetch. Runs in any page, cross-origin with no CORS at all (its reason to exist).
// Wire name `polling` with `j=<index>`; state, pause and close rule: HttpTransport, as @omnio/polling.
// Like polling it has no deadlines of its own: the session's handshake deadline and heartbeat catch a hang.
// @see ../../../../shared/PROTOCOL.md §3
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script
// @see https://developer.mozilla.org/en-US/docs/Web/API/Request/mode

import { HttpTransport, TransportError, encodePayload, type EnginePacket, type HttpPostDone, type TransportContext } from "@omnio/client";
import { escapeNewlines } from "./newline-escape.js";

export interface JsonpTransportOptions {
  /** CSP nonce put on every `<script>` (pages whose CSP allows scripts by nonce). */
  nonce?: string;
}

/** An index of `___eio`, which is page-global: shared with every other JSONP client on the page (another omnio, engine.io-client). */
type Slot = ((payload: unknown) => void) | null;

export class JsonpTransport extends HttpTransport {
  readonly name = "jsonp";
  protected override readonly _wire = "polling";

  /** Bodies still to post, one after another: the parts of a send() split to fit, and close()'s close packet. */
  private _bodies: string[] = [];

  constructor(
    context: TransportContext,
    private readonly _nonce?: string,
  ) {
    super(context);
  }

  /**
   * A `<script src>` whose body calls `___eio[j]("<payload>")`. The payload is taken from the callback but
   * handled at the script's `load` (which fires after it ran), so nothing of ours runs inside the server's script
   * and a script that ran without calling back is told apart. A slot is claimed by writing a function into a
   * free (`null` or new) index and freed by writing `null` back once the script settled, even after abort: a late
   * script may still call it (the probe made sure ___eio is an array if set). The last call wins.
   */
  protected _receive(): () => void {
    const global = this._context.global as typeof globalThis & { ___eio?: Slot[] };
    const slots = (global.___eio ??= []);
    let j = 0;
    while (slots[j]) j++;
    let payload: unknown;
    slots[j] = (data) => (payload = data);
    const doc = global.document;
    const script = doc.createElement("script");
    // `error`: network error, HTTP error status (a stock server's 400 JSON) or blocked MIME type. Either way the
    // script settled and will never call again. A script removed by abort is no longer connected: ignored.
    script.onload = script.onerror = (event) => {
      slots[j] = null;
      if (!script.isConnected) return;
      script.remove();
      if (typeof payload == "string") this._deliver(payload) && this._end();
      else this._fail(new TransportError((event as Event).type == "error" ? "script error" : "no ___eio call", "jsonp", { cause: event }));
    };
    script.nonce = this._nonce ?? ""; // (an empty nonce is none)
    script.src = this._url({ j: "" + j });
    doc.documentElement.append(script);
    return () => script.remove();
  }

  /**
   * The form body `d=<value>` (`application/x-www-form-urlencoded`, UTF-8: what the stock server reads) sent by a
   * `no-cors` fetch: a "simple" request needs no CORS from the server, and its answer stays opaque (unreadable,
   * any status), so only a network failure is seen, and fails the transport. Cookies go as with a form post.
   * POSTs carry a `j` too: it marks them as JSONP (@omnio/server routes by it; its value is not used).
   */
  protected _post(value: string, done: HttpPostDone): () => void {
    const controller = new AbortController();
    const { signal } = controller;
    const url = this._url({ j: "0" });
    this._context.global
      .fetch(url, { method: "POST", mode: "no-cors", credentials: "include", body: new URLSearchParams({ d: value }), signal })
      .then(
        () => signal.aborted || done(),
        (cause: Error) => signal.aborted || this._fail(new TransportError(`Failed to POST ${url}: ${cause.message}`, this.name, { cause })),
      );
    return () => controller.abort();
  }

  /**
   * Aborting a POST cuts it mid-body (a stock server then errors the session), so close() lets what is in flight
   * finish and the queue drain behind it, ending with (`tell`, as a stock client does) a POST of the close packet
   * that frees the session now rather than after pingTimeout. Nothing of it reports to the session (closed, it
   * ignores a failure), and whatever is still in flight 10 s after close() is aborted.
   */
  protected override _closePost(tell: boolean): void {
    if (tell) this.send([{ type: "close" }]);
    const inFlight = this._inPost;
    this._inPost = undefined; // so that close() does not stop it
    // 10 s on, abort what still goes on: this one, or a POST of the queue behind it
    if (inFlight) setTimeout(() => (this._inPost ?? inFlight)(), 10_000);
  }

  /** Queues the packets of one send() (split to fit), and posts them unless a POST is in flight. */
  protected override _write(packets: EnginePacket[]): void {
    this._enqueue(packets);
    if (!this._inPost) this._next();
  }

  /** Posts the next body; onDrain (HttpTransport's `_posted`) once none is left. */
  private _next(): void {
    this._inPost = this._post(this._bodies.shift()!, () => (this._bodies.length ? this._next() : this._posted()));
  }

  /**
   * Queue the packets as form values within maxPayload form-encoded (the session batches by raw size;
   * percent-encoding can triple it): a batch too large is halved until it fits. A lone oversized packet goes
   * alone: the server decides.
   */
  private _enqueue(packets: EnginePacket[]): void {
    const value = escapeNewlines(encodePayload(packets));
    const half = packets.length >> 1;
    // The body as the form sends it: `d=` + UTF-8, percent-encoded (`application/x-www-form-urlencoded`).
    if (half && String(new URLSearchParams({ d: value })).length > this._context.maxPayload()) {
      this._enqueue(packets.slice(0, half));
      this._enqueue(packets.slice(half));
    } else this._bodies.push(value);
  }
}

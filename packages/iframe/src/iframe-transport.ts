// Forever iframe transport (`htmlfile`): the server streams `<script>` frames into a hidden iframe, a POST sends
// exactly as polling (one in flight, fetch: FetchTransport). Runs in pages only (it needs a document);
// cross-origin it needs postMessage and a server that allows the page origin (`cors`). State, pause and
// close rule: HttpTransport. @see ../../../../shared/PROTOCOL.md §5
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/iframe
//
// Each stream is one fresh iframe whose document (the stream GET) runs one `<script>` per message: "o" (the
// prelude ran), "d" (one payload), "e" (the server ended the stream on purpose). Same-origin, the prelude calls
// a callback we put on the iframe element; cross-origin it posts to us. Both ways are always set up (one path:
// the server picks the one that works, the other stays silent).
//
// Who can reach us, and why no per-stream secret is needed (the server requires an `n` query; we send "0"):
// - postMessage: a message counts only if its origin is the server's and its source is THIS stream's iframe
//   window. That window only ever shows the document its `src` loads (the server's, which is trusted): the only
//   other frames allowed to navigate it are same-origin with the page, and those can already call anything of
//   ours. A fresh iframe per stream means an old stream's window never matches. So an id adds nothing.
// - the callback on the element: reachable only by same-origin code (the page's or the server's document),
//   trusted the same way, and it is this stream's own closure.
// Values from the iframe's realm are compared with `===` / `typeof` only: no conversion runs their code.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Window/postMessage#security_concerns
//
// The iframe's `load` event means the document ended, but it is no proof that every message was handled
// (posted messages and the load event travel separately), so the server marks an intended end in-band ("e"),
// and `load` without it starts a 1 s grace period after which the stream failed: refused, HTTP error, or cut
// mid-way. We then open the next stream (a fresh iframe) unless pausing or closed.

import { FetchTransport, ProtocolError, TransportError } from "@omnio/client";

/** The callback name the server's prelude looks for on `frameElement` (same-origin pages). */
export const FRAME_CALLBACK = "__omnioHtmlfile";

export class IframeTransport extends FetchTransport {
  // A getter: a class field would cost a constructor
  get name(): "htmlfile" {
    return "htmlfile";
  }

  protected _receive(): () => void {
    const global = this._context.global;
    const serverOrigin = new URL(this._context.base).origin;
    const url = this._url({ o: global.location.origin, n: "0" });
    const frame = global.document.createElement("iframe");
    let live = true;
    let grace: ReturnType<typeof setTimeout>;

    // Removing the iframe stops its document: the stream GET is aborted with it.
    const release = (): void => {
      live = false;
      clearTimeout(grace);
      global.removeEventListener("message", onMessage);
      frame.remove();
    };
    /** One message from a verified sender, in order ("o" needs nothing). */
    const handle = (kind: unknown, data: unknown): void => {
      if (!live || kind === "o") return;
      if (kind === "d" && typeof data == "string") this._deliver(data);
      else if (kind === "e") {
        release();
        this._end();
      }
      // a payload that is not text, or an unknown kind; failing releases the stream (_fail stops the receive)
      else this._bad(new ProtocolError("unexpected message"));
    };
    const onMessage = (event: MessageEvent): void => {
      const m = event.data as { k?: unknown; d?: unknown } | null;
      if (event.source == frame.contentWindow && event.origin == serverOrigin) handle(m?.k, m?.d);
    };

    global.addEventListener("message", onMessage);
    // Handled after the iframe's script returned, never inside it.
    // (spelled out: shorter than a computed key once minified; the type ties it to FRAME_CALLBACK)
    (frame as unknown as Record<typeof FRAME_CALLBACK, unknown>).__omnioHtmlfile = (_n: unknown, _c: unknown, kind: unknown, data: unknown) =>
      queueMicrotask(() => handle(kind, data));
    // A sandbox keeps the server's document from navigating the page, opening popups or submitting forms;
    // allow-same-origin keeps its real origin, which is what event.origin is checked against.
    frame.sandbox.value = "allow-scripts allow-same-origin";
    // A hang before the prelude is the session's deadline to catch (handshake, probe, heartbeat). `load` fires
    // once: nothing navigates the frame.
    frame.onload = () => {
      grace = setTimeout(() => this._fail(new TransportError("stream refused or cut", this.name)), 1000);
    };
    // `hidden` (display: none) still loads and runs the document; it keeps it out of layout and the a11y tree
    frame.hidden = true;
    frame.src = url;
    // on the root element, which exists even while a script in <head> runs
    global.document.documentElement.append(frame);
    return release;
  }
}

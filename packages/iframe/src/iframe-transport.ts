// Forever iframe transport (`htmlfile`): the server streams `<script>` frames into a hidden iframe, a POST sends
// exactly as polling (one in flight). Runs in pages only (it needs a document); cross-origin it needs
// postMessage and a server that allows the page origin (`cors`). State, queue, pause and close rule:
// HttpTransport. @see ../../../../shared/PROTOCOL.md §5
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/iframe
//
// Each stream is one iframe whose document (the stream GET) runs one `<script>` per message: "o" (the prelude
// ran), "d" (one payload), "e" (the server ended the stream on purpose). Same-origin, the prelude calls a
// callback we put on the iframe element; cross-origin it posts to us, and a message counts only if its origin
// is the server's, its source is THIS iframe's window, and it carries this stream's random id: anything else
// on the page's `message` event is not ours and is left alone. (The server echoes a stream index `c` too; a
// fresh id per stream already tells streams apart, so it is not sent: the server takes 0.)
// @see https://developer.mozilla.org/en-US/docs/Web/API/Window/postMessage#security_concerns
//
// The iframe's `load` event means the document ended, but it is no proof that every message was handled
// (posted messages and the load event travel separately), so the server marks an intended end in-band ("e"),
// and `load` without it starts a short grace period after which the stream failed: refused or HTTP error (no
// prelude ran), or cut mid-way. We then open the next stream (a fresh iframe and id) unless pausing or closed.

import { HttpStreamTransport, ProtocolError, TimeoutError, httpError } from "@omnio/client";

/** The callback name the server's prelude looks for on `frameElement` (same-origin pages). */
export const FRAME_CALLBACK = "__omnioHtmlfile";

/** How long (ms) messages may trail an iframe's `load` event before the stream counts as cut. */
const LOAD_GRACE_MS = 1000;

export class IframeTransport extends HttpStreamTransport {
  // A getter: a class field would cost a constructor
  get name(): "htmlfile" {
    return "htmlfile";
  }

  protected _receive(): () => void {
    const global = this._context.global;
    const pageOrigin = global.location.origin;
    const serverOrigin = new URL(this._context.base).origin;
    // Echoed by the server in every message (`n`): 128 random bits, `[0-9_]` as the server accepts.
    const id = global.crypto.getRandomValues(new Uint32Array(4)).join("_");
    const request = { method: "GET", url: this._url({ o: pageOrigin, n: id }), transport: this.name } as const;
    const frame = global.document.createElement("iframe");
    let live = true;
    let opened = false;
    let grace: ReturnType<typeof setTimeout> | undefined;

    // Removing the iframe stops its document: the stream GET is aborted with it.
    const release = (): void => {
      live = false;
      clearTimeout(grace);
      global.removeEventListener("message", onMessage);
      frame.remove();
    };
    // The failure releases the stream: _fail stops the receiving request, which is `release`.
    const fail = (cause: Error): void => this._fail(httpError(request, 0, "", cause));
    /** One message from a verified sender, in order. */
    const handle = (kind: unknown, data: unknown): void => {
      if (!live) return;
      if (kind === "o" && !opened) opened = true;
      else if (kind === "d" && opened && typeof data == "string") this._deliver(data);
      else if (kind === "e" && opened) {
        release();
        this._end();
      }
      // a second prelude, anything before the first, a payload that is not text, or an unknown kind
      else fail(new ProtocolError("unexpected message"));
    };
    const onMessage = (event: MessageEvent): void => {
      const m = event.data as { omnio?: unknown; k?: unknown; d?: unknown } | null;
      if (event.source == frame.contentWindow && event.origin == serverOrigin && m?.omnio === id) handle(m.k, m.d);
    };

    if (pageOrigin != serverOrigin) {
      global.addEventListener("message", onMessage);
      // A sandbox keeps the server's document from navigating the page, opening popups or submitting forms;
      // allow-same-origin keeps its real origin, which is what event.origin is checked against.
      frame.setAttribute("sandbox", "allow-scripts allow-same-origin");
    } else {
      // Handled after the iframe's script returned, never inside it (handle() compares with ===: no conversion
      // of an object from the iframe's realm runs its code).
      (frame as unknown as Record<string, unknown>)[FRAME_CALLBACK] = (n: unknown, _c: unknown, k: unknown, d: unknown) =>
        n === id && queueMicrotask(() => handle(k, d));
    }
    // A hang before the prelude is the session's deadline to catch (handshake, probe, heartbeat).
    frame.onload = () => {
      grace ??= setTimeout(() => fail(new TimeoutError(opened ? "cut: no end marker" : "prelude never ran")), LOAD_GRACE_MS);
    };
    // `hidden` (display: none) still loads and runs the document; it keeps it out of layout and the a11y tree
    frame.hidden = true;
    frame.src = request.url;
    // on the root element, which exists even while a script in <head> runs
    global.document.documentElement.append(frame);
    return release;
  }
}

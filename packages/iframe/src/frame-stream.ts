// One htmlfile stream: a hidden iframe whose document (the server's stream GET) runs one `<script>` per frame.
// Same-origin, the prelude calls a callback we put on the iframe element; cross-origin it posts to us, and a
// message counts only if its origin is the server's, its source is THIS iframe's window, and it carries this
// transport's id and this stream's index — anything else on the page's `message` event is not ours and is left
// alone. @see ../../../../shared/PROTOCOL.md §5
// @see https://developer.mozilla.org/en-US/docs/Web/API/Window/postMessage#security_concerns
//
// The iframe's `load` event means the document ended, but it is no proof that every message was handled
// (cross-origin, posted messages and the load event travel separately), so the server marks an intended end
// in-band (`e()`, message kind "e") and `load` without it starts a short grace period, after which the stream
// counts as failed: refused or HTTP error (no prelude ran), or cut mid-way.

import { ProtocolError, TimeoutError, TransportError } from "@omnio/client";

/** The callback name the server's prelude looks for on `frameElement` (same-origin pages). */
export const FRAME_CALLBACK = "__omnioHtmlfile";

export interface FrameStreamOptions {
  /** The stream GET's URL. */
  readonly url: string;
  /** This transport's id (`n`) and this stream's index (`c`), echoed by the server in every message. */
  readonly id: string;
  readonly index: number;
  /** The server's origin: `event.origin` of its messages. */
  readonly serverOrigin: string;
  /** Listen to posted messages (cross-origin page) rather than the iframe-element callback. */
  readonly crossOrigin: boolean;
  /** Deadline for the prelude to run (the stream is established). */
  readonly timeoutMs: number;
  /** How long messages may trail the iframe's `load` event. */
  readonly graceMs: number;
}

export interface FrameStreamHandler {
  /** The prelude ran: the stream is established. */
  onOpen(): void;
  /** One Engine.IO payload, in order. */
  onPayload(payload: string): void;
  /** The server ended the stream on purpose. Nothing follows; the iframe is already gone. */
  onEnd(): void;
  /** The stream failed; the iframe is already gone. */
  onError(error: TransportError): void;
}

/** A message the way both paths hand it over: kind and data, from a verified sender. */
interface FrameMessage {
  readonly k: unknown;
  readonly d: unknown;
}

/** Start the stream; the returned function removes the iframe and every listener/timer, and it never reports. */
export function frameStream(global: typeof globalThis, options: FrameStreamOptions, handler: FrameStreamHandler): () => void {
  const doc = global.document;
  const iframe = doc.createElement("iframe");
  const cleanups: Array<() => void> = [];
  let finished = false;
  let opened = false;
  /** Same-origin messages are queued and handled after the iframe's script returns, never inside it. */
  let queue: FrameMessage[] = [];

  const release = (): void => {
    finished = true;
    queue = [];
    for (const undo of cleanups.splice(0).reverse()) undo();
  };
  const fail = (detail: string, cause?: Error): void => {
    if (finished) return;
    release();
    handler.onError(new TransportError(`Stream GET ${options.url} (htmlfile) failed: ${detail}`, "htmlfile", cause ? { cause } : undefined));
  };

  const handle = (message: FrameMessage): void => {
    if (finished) return;
    const kind = message.k;
    if (!opened && kind === "o") {
      opened = true;
      clearTimeout(openTimer);
      return handler.onOpen();
    }
    if (opened && kind === "d" && typeof message.d === "string") return handler.onPayload(message.d);
    if (opened && kind === "e") {
      release();
      return handler.onEnd();
    }
    // A second prelude, anything before the first, a payload that is not text, or an unknown kind.
    const detail = `unexpected message ${JSON.stringify(String(kind).slice(0, 10))} (${typeof message.d} data)${opened ? "" : " before the prelude"}`;
    fail(detail, new ProtocolError(detail));
  };

  const ours = (n: unknown, c: unknown): boolean => n === options.id && c === options.index;

  if (options.crossOrigin) {
    const onMessage = (event: MessageEvent): void => {
      // Not from our iframe or not from the server: another frame's message, not an error of ours.
      if (event.source !== iframe.contentWindow || event.origin !== options.serverOrigin) return;
      const data: unknown = event.data;
      if (typeof data !== "object" || data === null) return;
      const m = data as { omnio?: unknown; c?: unknown; k?: unknown; d?: unknown };
      if (!ours(m.omnio, m.c)) return;
      handle({ k: m.k, d: m.d });
    };
    global.addEventListener("message", onMessage);
    cleanups.push(() => global.removeEventListener("message", onMessage));
    // A sandbox keeps the server's document from navigating the page, opening popups or submitting forms;
    // allow-same-origin keeps its real origin, which is what event.origin is checked against.
    iframe.setAttribute("sandbox", "allow-scripts allow-same-origin");
  } else {
    const schedule = global.queueMicrotask?.bind(global) ?? ((f: () => void) => void Promise.resolve().then(f));
    const callback = (n: unknown, c: unknown, k: unknown, d: unknown): void => {
      if (finished || !ours(n, c)) return;
      // Copy only primitives out of the iframe's realm; objects are refused by handle().
      queue.push({ k: typeof k === "string" ? k : undefined, d: typeof d === "string" ? d : undefined });
      if (queue.length === 1) schedule(drain);
    };
    const drain = (): void => {
      const batch = queue;
      queue = [];
      for (const message of batch) handle(message);
    };
    (iframe as unknown as Record<string, unknown>)[FRAME_CALLBACK] = callback;
    cleanups.push(() => delete (iframe as unknown as Record<string, unknown>)[FRAME_CALLBACK]);
  }

  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  const onLoad = (): void => {
    if (finished || graceTimer !== undefined) return;
    graceTimer = setTimeout(() => {
      fail(opened ? "the document ended without the end marker (cut?)" : "the prelude never ran (HTTP error, refused origin, or blocked)");
    }, options.graceMs);
  };
  iframe.addEventListener("load", onLoad);
  cleanups.push(() => {
    iframe.removeEventListener("load", onLoad);
    clearTimeout(graceTimer);
  });

  const openTimer = setTimeout(() => {
    const detail = `the prelude did not run within ${options.timeoutMs} ms`;
    fail(detail, new TimeoutError(detail));
  }, options.timeoutMs);
  cleanups.push(() => clearTimeout(openTimer));

  iframe.setAttribute("aria-hidden", "true");
  iframe.tabIndex = -1;
  iframe.title = "omnio htmlfile stream";
  iframe.style.cssText = "position:absolute;width:0;height:0;border:0;visibility:hidden";
  iframe.src = options.url;
  // Removing the iframe stops its document: the stream GET is aborted with it.
  cleanups.unshift(() => iframe.remove());
  (doc.body ?? doc.documentElement).appendChild(iframe);

  return release;
}

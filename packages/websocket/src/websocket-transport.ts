// WebSocket transport: one Engine.IO packet per frame, binary frames raw. Runs in browsers (global
// `WebSocket`) and in Node with a constructor passed in (the `ws` package). A closure rather than a class:
// its state is private anyway, and the minifier can shorten locals but not property names.
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

import { TransportError, buildUrl, decodeFrame, encodeFrame, type Transport, type TransportContext } from "@omnio/client";
import type { WebSocketCloseLike, WebSocketConstructor, WebSocketErrorLike, WebSocketLike, WebSocketMessageLike } from "./websocket-like.js";

const IDLE = 0, OPENING = 1, OPEN = 2, CLOSED = 3;

const noop = (): void => {};

/** What `ws` keeps as `_socket`: a net.Socket. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

export function createWebSocketTransport(
  context: TransportContext,
  Ctor: WebSocketConstructor | undefined,
  protocols: string | string[] | undefined,
): Transport {
  const sink = context.sink;
  let state = IDLE;
  let ws: WebSocketLike | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Detail of the last `error` event, reported with the `close` that always follows it. */
  let lastError: WebSocketErrorLike | undefined;
  /** Built by open() from the query of that moment (the sid may arrive after create()). */
  let url = "";

  /** Let go of the socket (and its handlers) for good. */
  const release = (): void => {
    state = CLOSED;
    t.writable = false;
    clearTimeout(timer);
    const socket = ws;
    ws = undefined;
    if (!socket) return;
    socket.onopen = socket.onmessage = socket.onclose = null;
    // Keep an error handler: `ws` emits `error` when a socket is closed while connecting, and an
    // EventEmitter `error` without a listener would crash Node.
    socket.onerror = noop;
    try {
      socket.close();
    } catch {
      // Already closing or closed: nothing left to release.
    }
  };

  /** Release everything, then report once. */
  const fail = (message: string, cause: unknown, reason = "transport error"): void => {
    if (state === CLOSED) return;
    release();
    const detail = cause instanceof Error && !message.includes(cause.message) ? ": " + cause.message : "";
    sink.onClose(reason, new TransportError(message + detail, "websocket", { cause }));
  };

  const onClose = (event: WebSocketCloseLike): void => {
    const wasOpen = state === OPEN;
    if (wasOpen && event.wasClean && (event.code === 1000 || event.code === 1005)) {
      // The server ended the session cleanly (stock Engine.IO closes the socket without a close packet).
      release();
      return sink.onClose("transport close");
    }
    const e = lastError;
    const detail = e ? (e.error instanceof Error ? e.error.message : typeof e.message === "string" ? e.message : "") : "";
    const what = `${detail && detail + " "}(code ${event.code}${event.reason ? ": " + event.reason : ""})`;
    fail(
      wasOpen ? `Websocket to ${url} closed: ${what}` : `Failed to open websocket to ${url}: ${what}`,
      e?.error ?? event,
      wasOpen ? "transport close" : "transport error",
    );
  };

  const t: Transport & { writable: boolean } = {
    name: "websocket",
    writable: false,

    open() {
      if (state !== IDLE) return;
      state = OPENING;
      url = buildUrl(context.base.replace(/^http/, "ws"), { ...context.query(), transport: "websocket" });
      const headers = context.extraHeaders;
      try {
        if (!Ctor) throw new TypeError("no WebSocket constructor in this environment");
        // Browsers ignore the third argument; `ws` reads headers from it.
        ws = headers ? new Ctor(url, protocols, { headers }) : new Ctor(url, protocols);
      } catch (cause) {
        // The constructor throws synchronously (bad URL, blocked port): report on a fresh task, never
        // from inside open(), so the session is not re-entered while it is still calling us.
        timer = setTimeout(() => fail(`Failed to open websocket to ${url}`, cause), 0);
        return;
      }
      ws.binaryType = "arraybuffer";
      ws.onopen = () => {
        if (state !== OPENING) return;
        state = OPEN;
        t.writable = true;
        sink.onOpen();
      };
      ws.onmessage = ({ data }: WebSocketMessageLike) => {
        if (state !== OPEN) return;
        let packet;
        try {
          packet = decodeFrame(data as string | ArrayBuffer);
        } catch (cause) {
          return fail(`Failed to decode a frame from websocket ${url}`, cause, "parse error");
        }
        sink.onPacket(packet);
      };
      ws.onclose = onClose;
      ws.onerror = (event: WebSocketErrorLike) => void (lastError = event);
    },

    send(packets) {
      if (state !== OPEN) return;
      t.writable = false;
      // Node's `ws` writes each frame to its net.Socket at once; corking that socket around a batch makes one
      // writev of it (≈ 30 % more emits per second in a burst). Browsers have no `_socket`: nothing happens.
      const raw = packets.length > 1 ? (ws as { _socket?: Partial<Corkable> })._socket : undefined;
      raw?.cork?.();
      try {
        for (const packet of packets) ws!.send(encodeFrame(packet));
      } catch (cause) {
        return fail(`Failed to send on websocket to ${url}`, cause);
      } finally {
        raw?.uncork?.();
      }
      // The socket has taken the frames. Drain after send() returns (a session writing from inside onDrain
      // must not recurse), but on a microtask: a timer costs ≥ 1 ms per round trip (Node clamps, browsers
      // throttle). Several sends before it runs make one drain; close() before it, none.
      queueMicrotask(() => {
        if (state !== OPEN || t.writable) return;
        t.writable = true;
        sink.onDrain();
      });
    },

    close() {
      if (state !== CLOSED) release();
    },
  };
  return t;
}

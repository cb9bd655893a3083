// WebSocket transport: one Engine.IO packet per frame, binary frames raw. Runs in browsers (global
// `WebSocket`) and in Node with a constructor passed in (the `ws` package). The factory's `create` is a
// closure rather than a class: its state is private anyway, and the minifier can shorten locals but not
// property names.
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

import { TransportError, buildUrl, decodeFrame, encodeFrame, type TransportFactory, type TransportTraits } from "@omnio/client";
import type { WebSocketCloseLike, WebSocketConstructor, WebSocketErrorLike, WebSocketLike, WebSocketMessageLike } from "./websocket-like.js";

/** What `ws` keeps as `_socket`: a net.Socket. */
interface Corkable {
  cork(): void;
  uncork(): void;
}

export interface WebSocketTransportOptions {
  /** A WebSocket class to use instead of the global one (in Node 20: the `ws` package's default export). */
  WebSocket?: WebSocketConstructor;
  /** Subprotocols for the constructor's second argument. */
  protocols?: string | string[];
}

const traits: TransportTraits = {
  duplex: true,
  streaming: false,
  binary: true,
  // A WebSocket needs nothing from a cross-origin server that the client could check for: there is no
  // CORS preflight or response header to honour. The server may still refuse the Origin it sees, but that
  // is its policy, visible only by trying, not a capability to probe.
  crossOrigin: "none",
  handshake: true,
};

export function websocket(options: WebSocketTransportOptions = {}): TransportFactory {
  return {
    name: "websocket",
    traits,
    probe({ global }) {
      const reason = options.WebSocket ? "WebSocket from options" : global.WebSocket ? "global WebSocket present" : "";
      return { supported: !!reason, reason: reason || "no global WebSocket" };
    },
    create: (context) => {
      const sink = context.sink;
      // 0 idle, 1 opening, 2 open, 3 closed. Plain numbers: named constants would stay variables once minified.
      let state = 0;
      /** Frames handed to the socket, drain not reported yet. */
      let busy = false;
      let ws: WebSocketLike | undefined;
      /** The last `error` event, reported with the `close` that always follows it. */
      let lastError: WebSocketErrorLike | undefined;
      /** Built by open() from the query of that moment (the sid may arrive after create()). */
      let url: string;

      /** Let go of the socket and its handlers for good. */
      const release = (): void => {
        state = 3;
        if (!ws) return;
        // No-ops rather than null: `ws` emits `error` when a socket is closed while connecting, and an
        // EventEmitter `error` without a listener would crash Node. close() never throws without arguments,
        // and is harmless when repeated.
        ws.onopen = ws.onmessage = ws.onclose = ws.onerror = () => {};
        ws.close();
      };

      /**
       * Release everything, then report once. With `what` (the failed operation), the error names it and the URL;
       * `detail` defaults to the cause's message.
       */
      const end = (reason: string, what?: string, cause?: unknown, detail = (cause as Error | undefined)?.message): void => {
        release();
        sink.onClose(reason, what ? new TransportError(`${what} websocket to ${url}: ${detail}`, "websocket", { cause }) : undefined);
      };

      return {
        name: "websocket",
        get writable() {
          return state == 2 && !busy;
        },

        open() {
          if (state) return;
          state = 1;
          url = buildUrl(context.base.replace(/^http/, "ws"), { ...context.query(), transport: "websocket" });
          // The session creates this transport only when probe() found a constructor.
          const Ctor = options.WebSocket ?? (context.global.WebSocket as WebSocketConstructor);
          try {
            // Browsers ignore the third argument; `ws` reads headers from it.
            ws = new Ctor(url, options.protocols, { headers: context.extraHeaders });
          } catch (cause) {
            // The constructor throws synchronously (bad URL, blocked port): report after open() returns, so the
            // session is not re-entered while it is still calling us; close() before that silences it.
            return queueMicrotask(() => state < 3 && end("transport error", "Failed to open", cause));
          }
          ws.binaryType = "arraybuffer";
          ws.onopen = () => {
            state = 2;
            sink.onOpen();
          };
          ws.onmessage = ({ data }: WebSocketMessageLike) => {
            let packet;
            try {
              packet = decodeFrame(data as string | ArrayBuffer);
            } catch (cause) {
              return end("parse error", "Failed to read from", cause);
            }
            sink.onPacket(packet);
          };
          ws.onclose = (event: WebSocketCloseLike) => {
            const wasOpen = state == 2;
            const { code, reason } = event;
            const message = lastError?.message;
            end(
              wasOpen ? "transport close" : "transport error",
              // A clean end by the server is no error (stock Engine.IO closes the socket without a close packet).
              wasOpen ? (code == 1000 || code == 1005 ? undefined : "Lost") : "Failed to open",
              lastError?.error ?? event,
              `${message ? message + " " : ""}(code ${code}${reason && ": " + reason})`,
            );
          };
          // `ws` gives the underlying error (ECONNREFUSED…) and its message; browsers a bare Event.
          ws.onerror = (event: WebSocketErrorLike) => void (lastError = event);
        },

        send(packets) {
          if (state != 2) return;
          busy = true;
          // Node's `ws` writes each frame to its net.Socket at once; corking that socket around a batch makes one
          // writev of it (≈ 30 % more emits per second in a burst). Browsers have no `_socket`: nothing happens.
          const raw = (ws as { _socket?: Corkable })._socket;
          raw?.cork();
          // No try: sending on an open socket does not throw (once it is closing, browsers and `ws` drop the frame),
          // and encodeFrame trusts the packets the session built.
          for (const packet of packets) ws!.send(encodeFrame(packet));
          raw?.uncork();
          // The socket has taken the frames. Drain after send() returns (a session writing from inside onDrain
          // must not recurse), but on a microtask: a timer costs ≥ 1 ms per round trip (Node clamps, browsers
          // throttle). Several sends before it runs make one drain; close() before it, none.
          queueMicrotask(() => {
            if (state == 2 && busy) {
              busy = false;
              sink.onDrain();
            }
          });
        },

        close: release,
      };
    },
  };
}

// The flashsocket transport: a WebSocket opened by a bridge (bridge.swf under Flash Player or Ruffle, or any
// object with web-socket-js's surface), shared with every other flashsocket of the page through the bridge host.
// One Engine.IO packet per text frame, URI-encoded across the bridge; binary travels as `b<base64>` (the bridge
// sends text frames only). A closure rather than a class: the minifier shortens locals, not property names.
// @see ../../../../shared/PROTOCOL.md §6

import { buildUrl, decodePacket, encodePacket, type Transport, type TransportContext } from "@omnio/client";
import { NAME, acquireHost, flashError, type BridgeHost, type BridgeSocket } from "./bridge-host.js";
import type { FlashBridge } from "./bridge-surface.js";
import type { FlashBridgeOptions } from "./index.js";

const IDLE = 0, OPENING = 1, OPEN = 2, CLOSED = 3;

export function createFlashTransport(context: TransportContext, options: FlashBridgeOptions): Transport {
  const sink = context.sink;
  let state = IDLE;
  let host: BridgeHost | undefined;
  /** Set once this socket exists on the bridge; cleared when the bridge reported its close. */
  let bridge: FlashBridge | undefined;
  let id = 0;
  /** A send() not drained yet. */
  let busy = false;

  /** Release everything (the bridge's socket, our place on the host); report once, unless closed on purpose. */
  const end = (reason?: string, error?: Error): void => {
    if (state === CLOSED) return;
    state = CLOSED;
    try {
      bridge?.close(id);
    } catch {
      // The bridge is going away anyway.
    }
    host?.remove(id);
    if (reason) sink.onClose(reason, error);
  };

  const fail = (what: string, cause?: unknown, reason = "transport error"): void =>
    end(reason, flashError(what, cause, host?.lastError));

  const socket: BridgeSocket = {
    ready(b) {
      // Called on every pull (registered sockets only, which are opening or open): create once.
      if (bridge) return;
      // Extra headers as the bridge wants them, `Name: value\r\n` lines; CR/LF dropped, so none can add a header.
      let headers = "";
      for (const name in context.extraHeaders) headers += `${name}: ${context.extraHeaders[name]}`.replace(/[\r\n]/g, "") + "\r\n";
      // The URL from the query of this moment (the sid may arrive after create()). A throw fails the bridge (host).
      b.create(id, buildUrl(context.base.replace(/^http/, "ws"), { ...context.query(), transport: NAME }), [], null, 0, headers);
      bridge = b;
    },
    // An `error` event is ignored: the bridge follows it with a close that is not clean.
    event({ type, message, code = 1006, reason, wasClean }) {
      if (type === "open" && state === OPENING) {
        state = OPEN;
        sink.onOpen();
      }
      if (type === "message" && state === OPEN) {
        let packet;
        try {
          packet = decodePacket(decodeURIComponent(message as string)); // binary as an ArrayBuffer (the default)
        } catch (cause) {
          return fail("bad frame", cause, "parse error");
        }
        sink.onPacket(packet);
      }
      if (type === "close") {
        bridge = undefined; // closed on the bridge's side: nothing to close there
        const wasOpen = state === OPEN;
        // The server ended the session cleanly (the bridge already answered the close frame).
        if (wasOpen && wasClean && (code === 1000 || code === 1005)) return end("transport close");
        fail(`${wasOpen ? "closed" : "failed to open"} (code ${code}${reason ? ": " + reason : ""})`, undefined, wasOpen ? "transport close" : "transport error");
      }
    },
    fail: (error) => end("transport error", error),
  };

  const t: Transport = {
    name: NAME,
    get writable() {
      return state === OPEN && !busy;
    },

    open() {
      if (state !== IDLE) return;
      state = OPENING;
      try {
        host = acquireHost(context, options);
      } catch (cause) {
        // Never report from inside open(): the session is still calling us.
        return queueMicrotask(() => fail("open failed", cause));
      }
      // The host calls socket.ready() on a later task, once the bridge is up.
      id = host.add(socket);
    },

    send(packets) {
      if (state !== OPEN) return;
      busy = true;
      try {
        for (const packet of packets) {
          const left = bridge!.send(id, encodeURIComponent(encodePacket(packet, false) as string));
          // -1: written. Anything else: the bridge kept or refused bytes, which an open socket never does.
          if (left !== -1) return fail("send refused: " + left);
        }
      } catch (cause) {
        // encodePacket (a packet text cannot carry), the URI encoding or the bridge: the cause says which. A lone
        // surrogate (which URI encoding refuses) only a raw Engine.IO message could hold: Socket.IO's JSON escapes them.
        return fail("send failed", cause);
      }
      // Drain after send() returns (a session writing from inside onDrain must not recurse).
      queueMicrotask(() => {
        busy = false;
        if (state === OPEN) sink.onDrain();
      });
    },

    close: () => end(),
  };
  return t;
}


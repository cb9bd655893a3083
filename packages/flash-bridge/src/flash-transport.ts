// The flashsocket transport: a WebSocket opened by a bridge (bridge.swf under Flash Player or Ruffle, or any
// object with web-socket-js's surface). One Engine.IO packet per text frame, URI-encoded across the bridge;
// binary travels as `b<base64>` (the bridge sends text frames only). Each transport owns its bridge for its
// lifetime: the callbacks object the bridge calls (`window[jsObject]`), the SWF element, the wait for
// `__onFlashInitialized`, and the pull of `receiveEvents()` on a fresh task after `__onFlashEvent`. An embedded SWF
// gets a global of its own (`__omnioFlash<id>`); another transport wanting the same `jsObject` at the same time (a
// handed-in bridge's fixed name, or one given) is refused. No deadline of its own for the bridge to come
// up: the session gives every attempt one, with the transport's `startupMs` on top. A closure rather than a class:
// the minifier shortens locals, not property names. @see ../../../../shared/PROTOCOL.md §6

import { TransportError, buildUrl, decodePacket, encodePacket, type Transport, type TransportContext } from "@omnio/client";
import { DEFAULT_JS_OBJECT, type FlashBridge, type FlashBridgeCallbacks, type FlashBridgeEvent } from "./bridge-surface.js";
import type { FlashBridgeOptions } from "./index.js";
import { embedSwf } from "./swf-embed.js";

export const NAME = "flashsocket";

/**
 * Socket ids, unique on the page: a handed-in bridge outlives its transports, and one may still be closing a
 * socket (and report its close) when the next transport creates its own.
 */
let lastId = 0;

export function createFlashTransport(context: TransportContext, o: FlashBridgeOptions): Transport {
  const sink = context.sink;
  // The page's global, where the bridge finds its callbacks object by name.
  const global = context.global as typeof globalThis & Record<string, FlashBridgeCallbacks | undefined>;
  const id = ++lastId;
  /** A handed-in bridge (otherwise bridge.swf is embedded). */
  const given = o.bridge;
  // A handed-in bridge calls one fixed name; an embedded SWF is told its own (FlashVars), so that embedded sessions
  // run side by side, each with its SWF.
  const name = o.jsObject ?? DEFAULT_JS_OBJECT + (given ? "" : id);
  // Its own element id: the element of the transport before may still be on the page.
  const elementId = name + "_swf" + id;
  // 0 idle, 1 opening, 2 open, 3 closed. Plain numbers: named constants would stay variables once minified.
  let state = 0;
  /** A send() not drained yet. */
  let busy = false;
  /** Set by `__onFlashInitialized` (at once for a handed-in bridge that is ready). */
  let bridge: FlashBridge | undefined;
  /**
   * The start after open(), then the pull scheduled after `__onFlashEvent` (or `__onFlashInitialized`, which
   * replaces the spent start's id before anything can schedule a pull: one is scheduled only once the bridge is up).
   */
  let timer: ReturnType<typeof setTimeout> | undefined;
  let unembed: (() => void) | undefined;

  /**
   * Release everything (timers, the bridge's socket, the callbacks, the SWF); report once, unless closed on purpose.
   * With `what` (what failed), the error is a TransportError naming it, then the cause's message if it has one
   * (`detail`, never passed: a default, as in the websocket transport). (The SWF explains a failure in the reason of
   * the close event that reports it, so its `__error` calls add nothing a message needs.)
   */
  const end = (reason?: string, what?: string, cause?: unknown, detail = (cause as Error | undefined)?.message): void => {
    if (state > 2) return;
    state = 3;
    clearTimeout(timer);
    try {
      // (A socket the bridge never created or already closed: bridge.swf ignores the call, others may throw.)
      bridge?.close(id);
    } catch {
      // The bridge is going away anyway.
    }
    unembed?.();
    if (global[name] === callbacks) delete global[name];
    if (reason) sink.onClose(reason, what ? new TransportError(NAME + " " + what + (detail ? ": " + detail : ""), NAME, { cause }) : undefined);
  };
  const fail = (what: string, cause?: unknown): void => end("transport error", what, cause);

  /**
   * Every task of the transport, each on a fresh task: Flash and Ruffle re-enter poorly from inside their calls
   * into JS. `phase` 1 starts (after open(): name check, embed, callbacks), 2 creates this socket on the bridge
   * that just came up; none pulls the bridge's events.
   */
  const step = (phase?: number): void => {
    timer = undefined;
    let events: unknown;
    try {
      if (phase == 1) {
        // Another bridge, another live transport or something else entirely answers at this name.
        if (global[name]) return fail(`window.${name} in use`);
        if (!given) unembed = embedSwf(global, elementId, name, o, context.base, fail);
        global[name] = callbacks;
        if (given && o.ready !== false) callbacks.__onFlashInitialized();
        return;
      }
      if (phase) {
        // The page's URL gives the handshake its Origin; the URL has the query of this moment (the sid may arrive
        // after create()). No extra headers: browsers send none on a WebSocket either. An element without the
        // bridge's methods throws here.
        bridge!.setCallerUrl(global.location?.href ?? "");
        bridge!.create(id, buildUrl(context.base.replace(/^http/, "ws"), { ...context.query(), transport: NAME }), [], null, 0, null);
      }
      events = bridge!.receiveEvents();
    } catch (cause) {
      // (Embedding the bridge, phase 1, or calling it: the cause's message says which.)
      return fail("bridge threw", cause);
    }
    // Another id (a socket of an earlier transport still closing, or junk) is not ours: dropped.
    if (Array.isArray(events)) for (const event of events) if (event?.webSocketId === id) receive(event);
  };

  // An `error` event is ignored: the bridge follows it with a close that is not clean.
  const receive = ({ type, message, code = 1006, reason, wasClean }: FlashBridgeEvent): void => {
    if (type == "open" && state == 1) {
      state = 2;
      sink.onOpen();
    }
    if (type == "message" && state == 2) {
      let packet;
      try {
        packet = decodePacket(decodeURIComponent(message as string)); // binary as an ArrayBuffer (the default)
      } catch (cause) {
        return end("parse error", "bad frame", cause);
      }
      sink.onPacket(packet);
    }
    if (type == "close") {
      const wasOpen = state == 2;
      // No error when the server ended the session cleanly (the bridge already answered the close frame).
      end(
        wasOpen ? "transport close" : "transport error",
        wasOpen && wasClean && (code == 1000 || code == 1005) ? undefined : `${wasOpen ? "closed" : "failed to open"} (code ${code}${reason ? ": " + reason : ""})`,
      );
    }
  };

  const callbacks: FlashBridgeCallbacks = {
    __onFlashInitialized() {
      // The SWF's methods are on its element now (Ruffle's replacement keeps the id); none is called from here.
      bridge = given ?? (global.document.getElementById(elementId) as unknown as FlashBridge);
      clearTimeout(timer);
      timer = setTimeout(step, 0, 2);
    },
    __onFlashEvent() {
      // Before it is up, the bridge has nothing of ours: the call is from an earlier bridge still closing.
      if (bridge) timer ??= setTimeout(step, 0);
      return true;
    },
    // Called only after setDebug(true), which this side never asks for.
    __log() {},
    __error() {},
  };

  return {
    name: NAME,
    get writable() {
      return state == 2 && !busy;
    },

    open() {
      if (state) return;
      state = 1;
      // On a task of its own: the session is still calling us (nothing may be reported from inside open()), and the
      // transport of a session just closed lets go of the name only once its last packets drained (microtasks).
      timer = setTimeout(step, 0, 1);
    },

    send(packets) {
      if (state != 2) return;
      busy = true;
      try {
        // (What it returns is -1 while the socket is open. A socket closing on the bridge's side takes nothing more,
        // as a closing WebSocket, and its close event follows.)
        for (const packet of packets) bridge!.send(id, encodeURIComponent(encodePacket(packet, false) as string));
      } catch (cause) {
        // encodePacket (a packet text cannot carry), the URI encoding or the bridge: the cause says which. A lone
        // surrogate (which URI encoding refuses) only a raw Engine.IO message could hold: Socket.IO's JSON escapes them.
        return fail("send failed", cause);
      }
      // Drain after send() returns (a session writing from inside onDrain must not recurse).
      queueMicrotask(() => {
        busy = false;
        if (state == 2) sink.onDrain();
      });
    },

    close: () => end(),
  };
}

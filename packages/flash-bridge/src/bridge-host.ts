// One bridge shared by every flashsocket of a page: the callbacks object the bridge calls (`window[jsObject]`),
// the SWF element, the wait for `__onFlashInitialized` with a deadline, and the pull of `receiveEvents()` on a
// fresh task after `__onFlashEvent`, routed to sockets by id. The callbacks object itself is the registry (no
// module state): the last socket removed takes it and the element away. @see ../../../../shared/PROTOCOL.md §6

import { TimeoutError, TransportError, type TransportContext } from "@omnio/client";
import { DEFAULT_JS_OBJECT, type FlashBridge, type FlashBridgeCallbacks, type FlashBridgeEvent } from "./bridge-surface.js";
import type { FlashBridgeOptions } from "./index.js";
import { embedSwf } from "./swf-embed.js";

/** What a socket hears from the host, always on a task of its own. */
export interface BridgeSocket {
  /** The bridge is up: create the socket on it (called again on later pulls: once is enough). May throw. */
  ready(bridge: FlashBridge): void;
  event(event: FlashBridgeEvent): void;
  /** The bridge is unusable for good (never initialized, failed to load). */
  fail(error: TransportError): void;
}

/** The page's host for one `jsObject`: also the callbacks object the bridge calls, installed at `window[jsObject]`. */
export interface BridgeHost extends FlashBridgeCallbacks {
  /** What it was made for (the handed-in bridge or the SWF's URL): another wants the name → a clash. */
  key: unknown;
  /** The bridge's last `__error`, decoded, for error messages. */
  lastError?: string;
  /** Registers a socket; returns its id on the bridge. */
  add(socket: BridgeSocket): number;
  /** The last socket out tears the bridge down. */
  remove(id: number): void;
}

export const NAME = "flashsocket";

/** A TransportError naming `what`, then the cause's message and the bridge's last complaint. */
export const flashError = (what: string, cause?: unknown, last?: string): TransportError =>
  new TransportError(`${NAME} ${what}${cause instanceof Error ? ": " + cause.message : ""}${last ? ` [bridge: ${last}]` : ""}`, NAME, { cause });

/** The page's host for `options.jsObject`, created on first use. Throws on a clash (a TransportError). */
export function acquireHost({ global, base }: TransportContext, o: FlashBridgeOptions): BridgeHost {
  const slot = global as unknown as Record<string, BridgeHost | undefined>;
  const name = o.jsObject ?? DEFAULT_JS_OBJECT;
  const swfUrl = o.swfUrl ?? base + "flash/bridge.swf";
  const key = o.bridge ?? swfUrl;
  const existing = slot[name];
  if (existing) {
    if (existing.key === key) return existing;
    // Another bridge (another SWF or object) or something else entirely answers at this name.
    // (The transport reports it as "flashsocket open failed: …".)
    throw new TransportError(`window.${name} serves another bridge`, NAME);
  }

  const elementId = name + "_swf";
  const sockets = new Map<number, BridgeSocket>();
  let lastId = 0;
  let bridge: FlashBridge | undefined;
  /** `__onFlashInitialized` came (or the handed-in bridge was ready). */
  let initialized = false;
  let failed: TransportError | undefined;
  let tick: ReturnType<typeof setTimeout> | undefined;
  let deadline: ReturnType<typeof setTimeout> | undefined;
  let unembed: (() => void) | undefined;

  // Every callback only schedules: Flash and Ruffle re-enter poorly from inside their calls into JS.
  const schedule = (): void => void (tick ??= setTimeout(step, 0));

  /** The bridge is unusable for good: every socket (and every later one) fails with this error. */
  const fail = (detail: string, cause?: unknown): void => {
    failed ??= flashError("bridge " + detail, cause, host.lastError);
    schedule();
  };

  const step = (): void => {
    tick = undefined;
    let events: unknown;
    if (!failed) {
      try {
        if (initialized && !bridge) {
          // An element without the bridge's methods (or none at all) throws here too.
          const b = o.bridge ?? (global.document.getElementById(elementId) as unknown as FlashBridge);
          b.setCallerUrl(global.location?.href ?? "");
          bridge = b;
          clearTimeout(deadline);
        }
        if (bridge) {
          // A bridge whose create() throws is broken for every socket: it fails them all, as here.
          for (const socket of sockets.values()) socket.ready(bridge);
          events = bridge.receiveEvents();
        }
      } catch (cause) {
        fail("threw", cause);
      }
    }
    if (failed) for (const socket of sockets.values()) socket.fail(failed);
    // An unknown id (a socket that closed meanwhile, or junk) finds no socket: dropped.
    if (Array.isArray(events)) for (const event of events) sockets.get(event?.webSocketId)?.event(event);
  };

  const host: BridgeHost = {
    key,
    add(socket) {
      sockets.set(++lastId, socket);
      // (A host that failed tears down in the step that fails its sockets: a socket added before that fails there.)
      if (bridge) schedule();
      return lastId;
    },
    remove(id) {
      // (Each socket removes itself once.)
      sockets.delete(id);
      if (sockets.size) return;
      clearTimeout(tick);
      clearTimeout(deadline);
      unembed?.();
      delete slot[name];
    },
    __onFlashInitialized() {
      initialized = true;
      schedule();
    },
    __onFlashEvent() {
      schedule();
      return true;
    },
    // Called only after setDebug(true), which this side never asks for: the bridge's errors are what explain.
    __log() {},
    __error(message) {
      host.lastError = decodeURIComponent(message);
    },
  };
  // Embedding first: if it throws, nothing is left installed. The SWF calls back on a later task at the soonest.
  if (!o.bridge) unembed = embedSwf(global, elementId, name, swfUrl, o, base, (cause) => fail("cannot load Ruffle", cause));
  slot[name] = host;
  if (o.bridge && o.ready !== false) {
    host.__onFlashInitialized();
  } else {
    const ms = o.initTimeout ?? 15_000;
    deadline = setTimeout(() => fail("not ready", new TimeoutError(`no __onFlashInitialized within ${ms} ms`)), ms);
  }
  return host;
}

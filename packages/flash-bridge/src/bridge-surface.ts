// The bridge surface of web-socket-js's WebSocketMain.swf, which bridge.swf reproduces and any other bridge (a
// native host, a test double) may implement: the methods JS calls, the events it pulls, the callbacks it answers.
// @see ../../../../shared/PROTOCOL.md §6

/** One event from `receiveEvents()`; `message` is URI-encoded text. */
export interface FlashBridgeEvent {
  type: "open" | "close" | "error" | "message";
  webSocketId: number;
  readyState: number;
  protocol?: string;
  message?: string;
  code?: number;
  reason?: string;
  wasClean?: boolean;
}

/** What JS calls on the bridge (the SWF element's ExternalInterface methods, or a host object). */
export interface FlashBridge {
  setCallerUrl(url: string): void;
  setDebug(on: boolean): void;
  /** `headers`: extra request header lines, each ending in CRLF ("" or null: none). */
  create(id: number, url: string, protocols: string[], proxyHost: string | null, proxyPort: number, headers: string | null): void;
  /** `data` URI-encoded (encodeURIComponent). Returns -1 when written, otherwise the bytes not sent. */
  send(id: number, data: string): number;
  close(id: number): void;
  loadManualPolicyFile(url: string): void;
  receiveEvents(): FlashBridgeEvent[];
}

/**
 * What the bridge calls back, on the global object named by `jsObject` (by default `window.__omnioFlash` for a
 * handed-in bridge, `window.__omnioFlash<n>` of its own for each embedded SWF):
 * `<jsObject>.__onFlashEvent()` etc. `__onFlashEvent` returns true, and JS pulls `receiveEvents()` on a fresh task.
 * The names are fixed by the shipped bridge.swf (swf/Bridge.hx).
 */
export interface FlashBridgeCallbacks {
  __onFlashInitialized(): void;
  __onFlashEvent(): boolean;
  /** URI-encoded. */
  __log(message: string): void;
  /** URI-encoded. */
  __error(message: string): void;
}

/** A Ruffle `socketProxy` entry: Flash sockets to host:port go over a WebSocket to `proxyUrl`. */
export interface RuffleSocketProxy {
  host: string;
  port: number;
  proxyUrl: string;
}

/** The page's global as the embed and the Ruffle loader see it: `RufflePlayer` is Ruffle's (or its config before it loads). */
export type PageGlobal = typeof globalThis & { RufflePlayer?: { config?: { socketProxy?: RuffleSocketProxy[]; [setting: string]: unknown } } };

export const DEFAULT_JS_OBJECT = "__omnioFlash";

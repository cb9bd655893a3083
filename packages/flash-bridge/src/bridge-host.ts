// One bridge shared by every flashsocket transport of a page: the callbacks object the bridge calls
// (`window[jsObject]`), the SWF element (refcounted), the wait for `__onFlashInitialized` with a deadline, the task
// queue for calls made before it, and the pull of `receiveEvents()` on a fresh task after `__onFlashEvent`, routed
// to sockets by id. The callbacks object itself is the registry (no module state): the last socket released
// removes it and the element. @see ../../../../shared/PROTOCOL.md §6

import { TimeoutError, TransportError } from "@omnio/client";
import type { FlashBridge, FlashBridgeCallbacks, FlashBridgeEvent, RuffleSocketProxy } from "./bridge-surface.js";
import { embedSwf } from "./swf-embed.js";

/** What a socket hears from the host. */
export interface BridgeSocket {
  onEvent(event: FlashBridgeEvent): void;
  /** The bridge is unusable (never initialized, failed to load): the socket fails with this error. */
  onHostError(error: TransportError): void;
}

export interface HostOptions {
  jsObject: string;
  /** A bridge object handed in; otherwise the SWF is embedded. */
  bridge?: FlashBridge;
  /** The handed-in bridge has already initialized (else wait for `__onFlashInitialized`). */
  ready: boolean;
  swfUrl: string;
  ruffle?: string;
  socketProxy: RuffleSocketProxy[];
  policyUrl?: string;
  initTimeout: number;
  debug: boolean;
}

const HOST = "__omnioHost";
type Installed = FlashBridgeCallbacks & { [HOST]?: BridgeHost };
type Task = { id: number; run: (bridge: FlashBridge) => void };

export class BridgeHost {
  /** Where the SWF's `__error` messages went last (decoded), for error messages. */
  lastError = "";
  private _sockets = new Map<number, BridgeSocket>();
  private _nextId = 1;
  private _bridge: FlashBridge | undefined;
  private _tasks: Task[] = [];
  private _failed: TransportError | undefined;
  private _initTimer: ReturnType<typeof setTimeout> | undefined;
  private _pullTimer: ReturnType<typeof setTimeout> | undefined;
  private _readyTimer: ReturnType<typeof setTimeout> | undefined;
  private _unembed: (() => void) | undefined;
  private _callbacks: Installed;
  private readonly _elementId: string;

  /** The page's host for `options.jsObject`, created on first use. Throws a TransportError on a clash. */
  static acquire(global: typeof globalThis, options: HostOptions): BridgeHost {
    const slot = global as unknown as Record<string, unknown>;
    const existing = slot[options.jsObject] as Installed | undefined;
    const host = existing?.[HOST];
    // Another bridge (another SWF or object) or something else entirely already answers at this name.
    if (host ? host._opts.bridge !== options.bridge || (!options.bridge && host._opts.swfUrl !== options.swfUrl) : existing !== undefined) {
      throw new TransportError(`Failed to use the Flash bridge: window.${options.jsObject} already serves another bridge (give this one its own jsObject)`, "flashsocket");
    }
    if (host) return host;
    return new BridgeHost(global, options);
  }

  private constructor(
    private readonly _global: typeof globalThis,
    private readonly _opts: HostOptions,
  ) {
    this._elementId = `${_opts.jsObject}_swf`;
    this._callbacks = {
      __onFlashInitialized: () => {
        // Leave the bridge's call stack first: Flash and Ruffle re-enter poorly from inside a callback.
        if (!this._readyTimer && !this._bridge) this._readyTimer = setTimeout(() => this._onInitialized(), 0);
      },
      __onFlashEvent: () => {
        this._pullTimer ??= setTimeout(() => this._pull(), 0);
        return true;
      },
      __log: (message) => {
        // eslint-disable-next-line no-console
        if (this._opts.debug) console.debug(safeDecode(message));
      },
      __error: (message) => {
        this.lastError = safeDecode(message);
        // eslint-disable-next-line no-console
        if (this._opts.debug) console.warn(this.lastError);
      },
      [HOST]: this,
    };
    (_global as unknown as Record<string, unknown>)[_opts.jsObject] = this._callbacks;
  }

  /** The bridge, once initialized. */
  get bridge(): FlashBridge | undefined {
    return this._bridge;
  }

  /** Registers a socket and returns its id; the first one starts the bridge (embeds the SWF). */
  register(socket: BridgeSocket): number {
    const id = this._nextId++;
    this._sockets.set(id, socket);
    if (this._sockets.size === 1 && !this._bridge && !this._unembed && !this._initTimer) this._start();
    if (this._failed) {
      const error = this._failed;
      setTimeout(() => this._sockets.get(id)?.onHostError(error), 0);
    }
    return id;
  }

  /** Runs `task` with the bridge now, or once it initialized (queued in order). */
  run(id: number, task: (bridge: FlashBridge) => void): void {
    if (this._bridge) task(this._bridge);
    else this._tasks.push({ id, run: task });
  }

  /** Lets go of socket `id` (its queued calls are dropped); the last one out tears the bridge down. */
  release(id: number): void {
    if (!this._sockets.delete(id)) return;
    this._tasks = this._tasks.filter((t) => t.id !== id);
    if (this._sockets.size > 0) return;
    clearTimeout(this._initTimer);
    clearTimeout(this._pullTimer);
    clearTimeout(this._readyTimer);
    this._initTimer = this._pullTimer = this._readyTimer = undefined;
    this._unembed?.();
    this._unembed = undefined;
    const slot = this._global as unknown as Record<string, unknown>;
    if (slot[this._opts.jsObject] === this._callbacks) delete slot[this._opts.jsObject];
  }

  private _start(): void {
    const o = this._opts;
    if (o.bridge && o.ready) {
      this._readyTimer = setTimeout(() => this._onInitialized(), 0);
      return;
    }
    this._initTimer = setTimeout(() => {
      const what = o.bridge ? "the bridge object" : `bridge.swf from ${o.swfUrl}`;
      const more = this.lastError ? ` (last bridge error: ${this.lastError})` : "";
      this._fail(`${what} did not call ${o.jsObject}.__onFlashInitialized within ${o.initTimeout} ms${more}`, new TimeoutError(`timed out after ${o.initTimeout} ms`));
    }, o.initTimeout);
    if (o.bridge) return;
    try {
      this._unembed = embedSwf(this._global, {
        swfUrl: o.swfUrl,
        elementId: this._elementId,
        jsObject: o.jsObject,
        ruffle: o.ruffle,
        socketProxy: o.socketProxy,
        onError: (message, cause) => this._fail(message, cause),
      });
    } catch (cause) {
      this._fail(`cannot embed bridge.swf from ${o.swfUrl}`, cause);
    }
  }

  private _onInitialized(): void {
    this._readyTimer = undefined;
    if (this._bridge || this._failed || this._sockets.size === 0) return;
    const o = this._opts;
    const bridge = o.bridge ?? (this._global.document?.getElementById(this._elementId) as unknown as FlashBridge | null) ?? undefined;
    if (!bridge || typeof bridge.create !== "function" || typeof bridge.receiveEvents !== "function") {
      return this._fail(`#${this._elementId} has no bridge methods after __onFlashInitialized`);
    }
    clearTimeout(this._initTimer);
    this._initTimer = undefined;
    try {
      bridge.setCallerUrl(this._global.location?.href ?? "");
      if (o.debug) bridge.setDebug(true);
      if (o.policyUrl) bridge.loadManualPolicyFile(o.policyUrl);
    } catch (cause) {
      return this._fail("its set-up calls threw", cause);
    }
    this._bridge = bridge;
    // Tasks queued before init, in order; one that throws is the business of its own socket (see run callers).
    for (const task of this._tasks.splice(0)) task.run(bridge);
    // Events the bridge announced before we could pull.
    this._pullTimer ??= setTimeout(() => this._pull(), 0);
  }

  private _pull(): void {
    this._pullTimer = undefined;
    const bridge = this._bridge;
    if (!bridge) return;
    let events: unknown;
    try {
      events = bridge.receiveEvents();
    } catch (cause) {
      return this._fail("receiveEvents() threw", cause);
    }
    if (!Array.isArray(events)) return;
    // An unknown id (a socket that closed meanwhile, or junk) finds no socket: dropped. A socket ignores event
    // types it does not know and checks each field it reads.
    for (const event of events as (FlashBridgeEvent | null)[]) this._sockets.get(event?.webSocketId as number)?.onEvent(event!);
  }

  /** The bridge is unusable for good: every socket (and every later one) fails with this error. */
  private _fail(detail: string, cause?: unknown): void {
    if (this._failed) return;
    const error = (this._failed = new TransportError(`Failed to use the Flash bridge: ${detail}`, "flashsocket", { cause }));
    clearTimeout(this._initTimer);
    this._initTimer = undefined;
    this._tasks = [];
    for (const socket of [...this._sockets.values()]) socket.onHostError(error);
  }
}

function safeDecode(text: unknown): string {
  const s = String(text);
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

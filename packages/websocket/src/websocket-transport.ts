// WebSocket transport: one Engine.IO packet per frame, binary frames raw. Runs in browsers (global
// `WebSocket`) and in Node with a constructor passed in (the `ws` package).
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

import {
  TransportError,
  buildUrl,
  decodePacket,
  encodePacket,
  type EnginePacket,
  type Transport,
  type TransportContext,
} from "@omnio/client";
import type {
  WebSocketCloseLike,
  WebSocketConstructor,
  WebSocketErrorLike,
  WebSocketLike,
  WebSocketMessageLike,
} from "./websocket-like.js";

type State = "idle" | "opening" | "open" | "closed";

const noop = (): void => {};

export class WebSocketTransport implements Transport {
  readonly name = "websocket";
  writable = false;
  private _state: State = "idle";
  private _socket: WebSocketLike | undefined;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** Detail of the last `error` event, reported with the `close` that always follows it. */
  private _lastError: WebSocketErrorLike | undefined;
  /** Target URL, built by open() from the query of that moment (the sid may arrive after create()). */
  url = "";

  constructor(
    private readonly _context: TransportContext,
    private readonly _ctor: WebSocketConstructor | undefined,
    private readonly _protocols: string | string[] | undefined,
  ) {}

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    const { base, extraHeaders } = this._context;
    this.url = buildUrl(base.replace(/^http/, "ws"), { ...this._context.query(), transport: "websocket" });
    try {
      if (!this._ctor) throw new TypeError("no WebSocket constructor in this environment");
      // Browsers ignore the third argument; `ws` reads headers from it.
      this._socket = extraHeaders
        ? new this._ctor(this.url, this._protocols, { headers: extraHeaders })
        : new this._ctor(this.url, this._protocols);
    } catch (cause) {
      // The constructor throws synchronously (bad URL, blocked port): report on a fresh task, never
      // from inside open(), so the session is not re-entered while it is still calling us.
      this._timer = setTimeout(() => this._fail(`Failed to open websocket to ${this.url}`, cause), 0);
      return;
    }
    const ws = this._socket;
    ws.binaryType = "arraybuffer";
    ws.onopen = () => this._onSocketOpen();
    ws.onmessage = (event: WebSocketMessageLike) => this._onSocketMessage(event.data);
    ws.onclose = (event: WebSocketCloseLike) => this._onSocketClose(event);
    ws.onerror = (event: WebSocketErrorLike) => {
      this._lastError = event;
    };
  }

  send(packets: EnginePacket[]): void {
    if (this._state !== "open") return;
    const ws = this._socket!;
    this.writable = false;
    try {
      for (const packet of packets) ws.send(encodePacket(packet, true) as string | ArrayBuffer);
    } catch (cause) {
      this._fail(`Failed to send on websocket to ${this.url}`, cause);
      return;
    }
    // The socket has taken the frames; drain on a fresh task so a session writing from inside onDrain
    // cannot recurse without bound.
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this.writable = true;
      this._context.sink.onDrain();
    }, 0);
  }

  close(): void {
    if (this._state === "closed") return;
    this._release();
  }

  private _onSocketOpen(): void {
    if (this._state !== "opening") return;
    this._state = "open";
    this.writable = true;
    this._context.sink.onOpen();
  }

  private _onSocketMessage(data: unknown): void {
    if (this._state !== "open") return;
    let packet: EnginePacket;
    try {
      if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
        throw new TypeError(`unexpected frame type ${Object.prototype.toString.call(data)}`);
      }
      packet = decodePacket(data, "arraybuffer");
    } catch (cause) {
      this._fail(`Failed to decode a frame from websocket ${this.url}`, cause, "parse error");
      return;
    }
    this._context.sink.onPacket(packet);
  }

  private _onSocketClose(event: WebSocketCloseLike): void {
    if (this._state === "closed") return;
    const wasOpen = this._state === "open";
    const detail = errorDetail(this._lastError);
    const what = `${detail ? detail + " " : ""}(code ${event.code}${event.reason ? ": " + event.reason : ""})`;
    if (wasOpen && event.wasClean && (event.code === 1000 || event.code === 1005)) {
      // The server ended the session cleanly (stock Engine.IO closes the socket without a close packet).
      this._release();
      this._context.sink.onClose("transport close");
      return;
    }
    this._fail(
      wasOpen ? `Websocket to ${this.url} closed: ${what}` : `Failed to open websocket to ${this.url}: ${what}`,
      this._lastError?.error ?? event,
      wasOpen ? "transport close" : "transport error",
    );
  }

  /** Release everything, then report once. */
  private _fail(message: string, cause: unknown, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._release();
    const detail = cause instanceof Error && !message.includes(cause.message) ? `: ${cause.message}` : "";
    this._context.sink.onClose(reason, new TransportError(message + detail, this.name, { cause }));
  }

  private _release(): void {
    this._state = "closed";
    this.writable = false;
    clearTimeout(this._timer);
    this._timer = undefined;
    const ws = this._socket;
    this._socket = undefined;
    if (!ws) return;
    ws.onopen = ws.onmessage = ws.onclose = null;
    // Keep an error handler: `ws` emits `error` when a socket is closed while connecting, and an
    // EventEmitter `error` without a listener would crash Node.
    ws.onerror = noop;
    try {
      ws.close();
    } catch {
      // Already closing or closed: nothing left to release.
    }
  }
}

function errorDetail(event: WebSocketErrorLike | undefined): string {
  if (!event) return "";
  if (event.error instanceof Error) return event.error.message;
  return typeof event.message === "string" ? event.message : "";
}

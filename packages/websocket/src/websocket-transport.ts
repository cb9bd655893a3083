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
  private state: State = "idle";
  private socket: WebSocketLike | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Detail of the last `error` event, reported with the `close` that always follows it. */
  private lastError: WebSocketErrorLike | undefined;
  /** Target URL, for error messages. */
  readonly url: string;

  constructor(
    private readonly context: TransportContext,
    private readonly ctor: WebSocketConstructor | undefined,
    private readonly protocols: string | string[] | undefined,
  ) {
    this.url = buildUrl(context.base.replace(/^http/, "ws"), { ...context.query(), transport: "websocket" });
  }

  open(): void {
    if (this.state !== "idle") return;
    this.state = "opening";
    const { extraHeaders } = this.context;
    try {
      if (!this.ctor) throw new TypeError("no WebSocket constructor in this environment");
      // Browsers ignore the third argument; `ws` reads headers from it.
      this.socket = extraHeaders
        ? new this.ctor(this.url, this.protocols, { headers: extraHeaders })
        : new this.ctor(this.url, this.protocols);
    } catch (cause) {
      // The constructor throws synchronously (bad URL, blocked port): report on a fresh task, never
      // from inside open(), so the session is not re-entered while it is still calling us.
      this.timer = setTimeout(() => this.fail(`Failed to open websocket to ${this.url}`, cause), 0);
      return;
    }
    const ws = this.socket;
    ws.binaryType = "arraybuffer";
    ws.onopen = () => this.onSocketOpen();
    ws.onmessage = (event: WebSocketMessageLike) => this.onSocketMessage(event.data);
    ws.onclose = (event: WebSocketCloseLike) => this.onSocketClose(event);
    ws.onerror = (event: WebSocketErrorLike) => {
      this.lastError = event;
    };
  }

  send(packets: EnginePacket[]): void {
    if (this.state !== "open") return;
    const ws = this.socket!;
    this.writable = false;
    try {
      for (const packet of packets) ws.send(encodePacket(packet, true) as string | ArrayBuffer);
    } catch (cause) {
      this.fail(`Failed to send on websocket to ${this.url}`, cause);
      return;
    }
    // The socket has taken the frames; drain on a fresh task so a session writing from inside onDrain
    // cannot recurse without bound.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.writable = true;
      this.context.sink.onDrain();
    }, 0);
  }

  close(): void {
    if (this.state === "closed") return;
    this.release();
  }

  private onSocketOpen(): void {
    if (this.state !== "opening") return;
    this.state = "open";
    this.writable = true;
    this.context.sink.onOpen();
  }

  private onSocketMessage(data: unknown): void {
    if (this.state !== "open") return;
    let packet: EnginePacket;
    try {
      if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
        throw new TypeError(`unexpected frame type ${Object.prototype.toString.call(data)}`);
      }
      packet = decodePacket(data, "arraybuffer");
    } catch (cause) {
      this.fail(`Failed to decode a frame from websocket ${this.url}`, cause, "parse error");
      return;
    }
    this.context.sink.onPacket(packet);
  }

  private onSocketClose(event: WebSocketCloseLike): void {
    if (this.state === "closed") return;
    const wasOpen = this.state === "open";
    const detail = errorDetail(this.lastError);
    const what = `${detail ? detail + " " : ""}(code ${event.code}${event.reason ? ": " + event.reason : ""})`;
    if (wasOpen && event.wasClean && (event.code === 1000 || event.code === 1005)) {
      // The server ended the session cleanly (stock Engine.IO closes the socket without a close packet).
      this.release();
      this.context.sink.onClose("transport close");
      return;
    }
    this.fail(
      wasOpen ? `Websocket to ${this.url} closed: ${what}` : `Failed to open websocket to ${this.url}: ${what}`,
      this.lastError?.error ?? event,
      wasOpen ? "transport close" : "transport error",
    );
  }

  /** Release everything, then report once. */
  private fail(message: string, cause: unknown, reason = "transport error"): void {
    if (this.state === "closed") return;
    this.release();
    const detail = cause instanceof Error && !message.includes(cause.message) ? `: ${cause.message}` : "";
    this.context.sink.onClose(reason, new TransportError(message + detail, this.name, { cause }));
  }

  private release(): void {
    this.state = "closed";
    this.writable = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const ws = this.socket;
    this.socket = undefined;
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

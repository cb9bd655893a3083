// The flashsocket transport: a WebSocket opened by a bridge (bridge.swf under Flash Player or Ruffle, or any
// object with web-socket-js's surface). One Engine.IO packet per text frame, URI-encoded across the bridge;
// binary travels as `b<base64>` (the bridge sends text frames only). @see ../../../../shared/PROTOCOL.md §6

import {
  TransportError,
  buildUrl,
  decodePacket,
  encodePacket,
  type EnginePacket,
  type Transport,
  type TransportContext,
} from "@omnio/client";
import type { FlashBridgeEvent } from "./bridge-surface.js";
import type { BridgeHost } from "./bridge-host.js";

type State = "idle" | "opening" | "open" | "closed";

export class FlashSocketTransport implements Transport {
  readonly name = "flashsocket";
  writable = false;
  /** Target URL, built by open() (the sid may arrive after create()). */
  url = "";
  private _state: State = "idle";
  private _host: BridgeHost | undefined;
  private _id = 0;
  private _timer: ReturnType<typeof setTimeout> | undefined;
  /** An `error` event arrived: the close that follows is reported as a failure. */
  private _errored = false;

  constructor(
    private readonly _context: TransportContext,
    /** The page's bridge host; throws a TransportError when the bridge cannot be used. */
    private readonly _acquire: () => BridgeHost,
  ) {}

  open(): void {
    if (this._state !== "idle") return;
    this._state = "opening";
    const { base, extraHeaders } = this._context;
    this.url = buildUrl(base.replace(/^http/, "ws"), { ...this._context.query(), transport: "flashsocket" });
    try {
      this._host = this._acquire();
    } catch (cause) {
      // Never report from inside open(): the session is still calling us.
      this._timer = setTimeout(() => this._fail(`Failed to open flashsocket to ${this.url}`, cause), 0);
      return;
    }
    const host = this._host;
    this._id = host.register({
      onEvent: (event) => this._onEvent(event),
      onHostError: (error) => this._fail(error.message, error.cause ?? error),
    });
    const headers = headerLines(extraHeaders);
    // A throwing bridge fails this socket only. (A socket released meanwhile had this task dropped.)
    host.run(this._id, (bridge) => {
      try {
        bridge.create(this._id, this.url, [], null, 0, headers);
      } catch (cause) {
        this._fail(`Failed to create flashsocket to ${this.url}: the bridge threw`, cause);
      }
    });
  }

  send(packets: EnginePacket[]): void {
    if (this._state !== "open") return;
    const bridge = this._host!.bridge!;
    const what = `Failed to send on flashsocket to ${this.url}`;
    this.writable = false;
    for (const packet of packets) {
      let result: unknown;
      try {
        result = bridge.send(this._id, encodeURIComponent(wellFormed(encodePacket(packet, false) as string)));
      } catch (cause) {
        // encodePacket (a packet text cannot carry) or the bridge threw: the cause says which.
        return this._fail(what, cause);
      }
      // -1: written. Anything else: the bridge kept or refused the bytes, which an open socket never does.
      if (result !== -1) return this._fail(`${what}: the bridge returned ${String(result)}${this._detail()}`);
    }
    // Drain on a fresh task so a session writing from inside onDrain cannot recurse without bound.
    this._timer = setTimeout(() => {
      this._timer = undefined;
      if (this._state !== "open") return;
      this.writable = true;
      this._context.sink.onDrain();
    }, 0);
  }

  close(): void {
    if (this._state === "closed") return;
    this._release(true);
  }

  private _onEvent(event: FlashBridgeEvent): void {
    switch (event.type) {
      case "open":
        if (this._state !== "opening") return;
        this._state = "open";
        this.writable = true;
        this._context.sink.onOpen();
        return;
      case "message":
        return this._onMessage(event.message);
      case "error":
        this._errored = true;
        return;
      case "close":
        return this._onClose(event);
    }
  }

  private _onMessage(message: unknown): void {
    if (this._state !== "open") return;
    let packet: EnginePacket;
    try {
      if (typeof message !== "string") throw new TypeError(`message event without text (${typeof message})`);
      packet = decodePacket(decodeURIComponent(message), "arraybuffer");
    } catch (cause) {
      return this._fail(`Failed to decode a frame from flashsocket ${this.url}`, cause, "parse error");
    }
    this._context.sink.onPacket(packet);
  }

  private _onClose(event: FlashBridgeEvent): void {
    if (this._state === "closed") return;
    const wasOpen = this._state === "open";
    const code = typeof event.code === "number" ? event.code : 1006;
    const what = `(code ${code}${event.reason ? ": " + String(event.reason) : ""})${this._detail()}`;
    if (wasOpen && !this._errored && event.wasClean === true && (code === 1000 || code === 1005)) {
      // The server ended the session cleanly (the bridge already answered the close frame).
      this._release(false);
      this._context.sink.onClose("transport close");
      return;
    }
    this._fail(
      wasOpen ? `Flashsocket to ${this.url} closed: ${what}` : `Failed to open flashsocket to ${this.url}: ${what}`,
      undefined,
      wasOpen ? "transport close" : "transport error",
    );
  }

  private _detail(): string {
    const last = this._host?.lastError;
    return last ? ` [bridge: ${last.slice(0, 200)}]` : "";
  }

  /** Release everything, then report once. */
  private _fail(message: string, cause?: unknown, reason = "transport error"): void {
    if (this._state === "closed") return;
    this._release(true);
    const detail = cause instanceof Error && !message.includes(cause.message) ? `: ${cause.message}` : "";
    this._context.sink.onClose(reason, new TransportError(message + detail, this.name, cause === undefined ? undefined : { cause }));
  }

  private _release(closeSocket: boolean): void {
    const wasActive = this._state === "opening" || this._state === "open";
    this._state = "closed";
    this.writable = false;
    clearTimeout(this._timer);
    this._timer = undefined;
    const host = this._host;
    this._host = undefined;
    if (!host) return;
    if (closeSocket && wasActive) {
      // Only when the bridge is up: a create still queued is simply dropped by release().
      host.run(this._id, (bridge) => {
        try {
          bridge.close(this._id);
        } catch {
          // The bridge is going away anyway.
        }
      });
    }
    host.release(this._id);
  }
}

/** Lone surrogates become U+FFFD, as WebSocket.send() does: encodeURIComponent would throw on them. */
function wellFormed(text: string): string {
  return text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, "\uFFFD");
}

/** `extraHeaders` as the bridge wants them: `Name: value\r\n` lines; CR/LF in names or values are dropped. */
function headerLines(headers: Record<string, string> | undefined): string | null {
  if (!headers) return null;
  let out = "";
  for (const name in headers) {
    const n = name.replace(/[^!#$%&'*+.^_`|~0-9A-Za-z-]/g, "");
    if (n) out += `${n}: ${String(headers[name]).replace(/[\r\n]/g, "")}\r\n`;
  }
  return out || null;
}

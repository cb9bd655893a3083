// Engine.IO's HTTP error answers: a JSON body `{"code":N,"message":"…"}` as stock engine.io sends it, so
// clients written for socket.io read our refusals the same way. @see PROTOCOL.md §1 "Errors"
import type { ServerResponse } from "node:http";
import type { Duplex } from "node:stream";

export const ErrorCode = {
  UNKNOWN_TRANSPORT: 0,
  UNKNOWN_SID: 1,
  BAD_HANDSHAKE_METHOD: 2,
  BAD_REQUEST: 3,
  FORBIDDEN: 4,
  UNSUPPORTED_PROTOCOL_VERSION: 5,
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  0: "Transport unknown",
  1: "Session ID unknown",
  2: "Bad handshake method",
  3: "Bad request",
  4: "Forbidden",
  5: "Unsupported protocol version",
};

/** A refusal decided while checking a request: the code for the peer, the reason for our log. */
export class RequestRejection {
  constructor(
    readonly code: ErrorCode,
    /** Why, for the log (never sent: the body carries only the standard message). */
    readonly reason: string,
    /** Sent instead of the standard message (allowRequest's own message, as engine.io does). */
    readonly message: string = ERROR_MESSAGES[code],
  ) {}
  /** Forbidden is 403 as in stock engine.io; every other code is 400. */
  get status(): number {
    return this.code === ErrorCode.FORBIDDEN ? 403 : 400;
  }
  get body(): string {
    return JSON.stringify({ code: this.code, message: this.message });
  }
}

export function rejectRequest(res: ServerResponse, rejection: RequestRejection): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  const body = rejection.body;
  res.writeHead(rejection.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

/** For an HTTP upgrade we own the raw socket: write a minimal response and hang up. */
export function rejectUpgrade(socket: Duplex, rejection: RequestRejection): void {
  socket.on("error", () => {});
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = rejection.body;
  const reason = rejection.status === 403 ? "Forbidden" : "Bad Request";
  // end() (not write + destroy) so the answer is flushed before the socket goes.
  socket.end(
    `HTTP/1.1 ${rejection.status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    () => socket.destroy(),
  );
}

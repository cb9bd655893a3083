// The slice of the WebSocket API the transport uses, typed loosely enough that both the browser's
// `WebSocket` and the `ws` package's class (Node) fit without casts.
// @see https://developer.mozilla.org/en-US/docs/Web/API/WebSocket

/** Event payloads as the transport reads them; both realms provide at least these fields. */
export interface WebSocketMessageLike {
  readonly data: unknown;
}
export interface WebSocketCloseLike {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
}
/** Browsers give a bare Event; `ws` adds `message` and the underlying `error` (e.g. ECONNREFUSED). */
export interface WebSocketErrorLike {
  readonly message?: string;
  readonly error?: unknown;
}

export interface WebSocketLike {
  binaryType: string;
  readonly bufferedAmount: number;
  // `never` parameters: the handler slots of the two realms name different event classes; the transport
  // assigns handlers typed with the *Like interfaces above, which both realms' events satisfy.
  onopen: ((event: never) => void) | null;
  onmessage: ((event: never) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
  send(data: string | ArrayBufferLike | ArrayBufferView | Blob): void;
  close(code?: number, reason?: string): void;
}

/** `new WebSocket(url, protocols)`; `ws` also takes an options object (used for extra headers in Node). */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

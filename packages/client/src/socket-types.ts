// The Socket's public types: options, reserved events, and the type helpers that make `emit`, `emitWithAck`
// and `timeout(ms).emit` check event names and arguments against the user's event maps.

import type { EventsMap } from "./emitter.js";

/* eslint-disable @typescript-eslint/no-explicit-any -- listener types are chosen by the user */
export type AuthData = Record<string, unknown>;
export type Auth = AuthData | ((cb: (data: AuthData) => void) => void);

export interface SocketOptions {
  /** Sent with the namespace CONNECT; a function is called before each (re)connect. */
  auth?: Auth;
  /** Default ack timeout (ms); with it, ack callbacks receive `(err, ...args)`. */
  ackTimeout?: number;
  /** Resend an emit up to this many times until acked (at-least-once, in order, one in flight). */
  retries?: number;
}

/** `connect_error`'s argument: the server's message, its `data` when a middleware gave some. */
export type ConnectError = Error & { data?: unknown };

export interface SocketReservedEvents {
  connect: () => void;
  connect_error: (err: ConnectError) => void;
  disconnect: (reason: string, description?: unknown) => void;
}

export type AnyListener = (event: string, ...args: any[]) => void;
export type Ack = ((...args: unknown[]) => void) & { withError?: boolean };
export type Last<T extends unknown[]> = T extends [...unknown[], infer L] ? L : any;
export type AllButLast<T extends unknown[]> = T extends [...infer H, unknown] ? H : any[];
export type FirstArg<T> = T extends (arg: infer A, ...rest: any[]) => unknown ? A : any;
export type ErrorFirst<P extends unknown[]> = P extends [...infer H, (...a: infer A) => infer R] ? [...H, (err: Error | null, ...a: A) => R] : P;
/** The event map seen through `timeout(ms)`: every ack callback gets an error first. */
export type DecorateAcknowledgements<M extends EventsMap> = {
  [K in keyof M]: M[K] extends (...args: infer P) => infer R ? (...args: ErrorFirst<P>) => R : M[K];
};

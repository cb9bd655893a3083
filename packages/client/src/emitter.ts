// The typed event emitter under Socket and Manager. mitt keeps the handler lists; dispatch is ours because
// Socket.IO events carry several arguments (mitt passes one). Like mitt, a dispatch iterates a copy, so a
// handler that calls `off` never makes a neighbour skip. @see https://github.com/developit/mitt

import mitt, { type Handler } from "mitt";

/* eslint-disable @typescript-eslint/no-explicit-any -- event maps describe user-chosen argument lists */
export interface EventsMap {
  [event: string]: any;
}
/** The map used when no types are given: any event, any arguments. */
export interface DefaultEventsMap {
  [event: string]: (...args: any[]) => void;
}
export type EventNames<M extends EventsMap> = keyof M & string;
export type EventParams<M extends EventsMap, E extends EventNames<M>> = Parameters<M[E]>;

/** A stored handler: the user's function, or a `once` wrapper that remembers it in `fn`. */
type Stored = ((...args: unknown[]) => void) & { fn?: unknown };

export class Emitter<M extends EventsMap> {
  /** Handler lists by event name (and, for Socket's catch-all listeners, by number). */
  protected _m = mitt<Record<string | number, unknown>>();

  on<E extends EventNames<M>>(event: E, listener: M[E]): this {
    this._m.on(event, listener as Handler);
    return this;
  }

  once<E extends EventNames<M>>(event: E, listener: M[E]): this {
    const wrapper: Stored = (...args) => {
      this._m.off(event, wrapper as Handler);
      (listener as Stored).apply(this, args);
    };
    wrapper.fn = listener;
    return this.on(event, wrapper as M[E]);
  }

  /**
   * Without arguments: every listener of every named event (Socket's catch-all lists, under numbers, stay, as
   * socket.io-client's `off()` keeps `onAny` listeners); with an event only: all of that event's.
   */
  off<E extends EventNames<M>>(event?: E, listener?: M[E]): this {
    const m = this._m;
    if (event === undefined) m.all.forEach((_, k) => typeof k == "string" && m.all.delete(k));
    // A `once` listener is found through its wrapper.
    else m.off(event, listener && (((m.all.get(event) as Stored[] | undefined)?.find((h) => h.fn === listener) ?? listener) as Handler));
    return this;
  }

  /**
   * Call `event`'s listeners with `args` (an array, so the hot path allocates nothing more). A listener that
   * throws is reported as uncaught, and neither its neighbours nor the caller (a transport) are disturbed.
   */
  protected _fire(event: string | number, args: unknown[]): void {
    // A copy of the list, as a listener may unsubscribe (an event nobody listens to costs one empty array: the
    // catch-all keys are fired for every event).
    for (const h of (this._m.all.get(event) as Stored[] | undefined)?.slice() ?? []) {
      try {
        h.apply(this, args);
      } catch (e) {
        rethrow(e);
      }
    }
  }
}

/** Report an error from user code the way the platform reports uncaught ones, outside our call stack. */
export function rethrow(e: unknown): void {
  const report = (globalThis as { reportError?: (e: unknown) => void }).reportError;
  if (report) report(e);
  else
    setTimeout(() => {
      throw e;
    });
}

// The typed event emitter under Socket and Manager. mitt keeps the handler lists; dispatch is ours because
// Socket.IO events carry several arguments (mitt passes one). Like mitt, a dispatch iterates a copy, so a
// handler that calls `off` never makes a neighbour skip. @see https://github.com/developit/mitt

import mitt, { type Emitter as Mitt, type Handler } from "mitt";

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

/** A stored handler: the user's function, or a `once` wrapper that remembers it. */
type Stored = ((...args: unknown[]) => void) & { fn?: unknown };

export class Emitter<M extends EventsMap> {
  private _m: Mitt<Record<string, unknown>> = mitt();

  on<E extends EventNames<M>>(event: E, listener: M[E]): this {
    this._m.on(event, listener as Handler);
    return this;
  }

  once<E extends EventNames<M>>(event: E, listener: M[E]): this {
    const wrapper: Stored = (...args) => {
      this.off(event, listener);
      (listener as Stored).apply(this, args);
    };
    wrapper.fn = listener;
    this._m.on(event, wrapper as Handler);
    return this;
  }

  /** Without arguments: every listener of every event; with an event only: all of that event's. */
  off<E extends EventNames<M>>(event?: E, listener?: M[E]): this {
    if (event === undefined) this._m.all.clear();
    else if (!listener) this._m.all.delete(event);
    else {
      const list = this._m.all.get(event) as Stored[] | undefined;
      const i = list ? list.findIndex((h) => h === listener || h.fn === listener) : -1;
      if (i >= 0) list!.splice(i, 1);
    }
    return this;
  }

  listeners<E extends EventNames<M>>(event: E): M[E][] {
    return ((this._m.all.get(event) ?? []) as Stored[]).map((h) => (h.fn ?? h) as M[E]);
  }

  hasListeners(event: EventNames<M>): boolean {
    return !!this._m.all.get(event)?.length;
  }

  /**
   * Call `event`'s listeners with `args` (an array, so the hot path allocates nothing more). A listener that
   * throws is reported as uncaught, and neither its neighbours nor the caller (a transport) are disturbed.
   */
  protected _fire(event: string, args: unknown[]): void {
    const list = this._m.all.get(event) as Stored[] | undefined;
    if (list) this._call(list, args);
  }

  /** Call each of `list` (a copy of it: a listener may unsubscribe) with `args`, reporting throws as uncaught. */
  protected _call(list: ReadonlyArray<(...args: never[]) => unknown>, args: unknown[]): void {
    for (const h of list.slice() as Stored[]) {
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

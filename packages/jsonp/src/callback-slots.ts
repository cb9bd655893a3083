// The page-global `___eio` array that JSONP responses call into: `___eio[j]("<payload>")`.
// It is shared by every JSONP client on the page (two copies of omnio, a legacy engine.io-client), so a slot
// is claimed by writing a function into it and freed by writing `null`; nothing else is ever taken over.
// A slot whose script may still run is "muted" (a no-op function) and only freed once that script settled:
// an index must never be handed to a new request while a late response could still call it.
// @see ../../../../shared/PROTOCOL.md §3

import { TransportError } from "@omnio/client";

export type JsonpCallback = (payload: unknown) => void;
type Slot = JsonpCallback | null | undefined;
type WithSlots = typeof globalThis & { ___eio?: Slot[] };

export interface CallbackSlot {
  /** The `j` of the request. */
  readonly index: number;
  /** Keep the index taken but ignore any call (a late script may still arrive). */
  mute(): void;
  /** The script settled (ran or failed): the index may be reused. */
  free(): void;
}

/** Claim the lowest freed index (or a new one) for `callback`. Creates `___eio` on first use. */
export function claimSlot(global: typeof globalThis, callback: JsonpCallback): CallbackSlot {
  const g = global as WithSlots;
  let slots = g.___eio;
  if (slots === undefined) slots = g.___eio = [];
  if (!Array.isArray(slots)) {
    throw new TransportError(`Failed to open jsonp: window.___eio exists and is not an array (${typeof slots})`, "jsonp");
  }
  const array = slots;
  let index = array.indexOf(null);
  if (index < 0) index = array.length;
  const muted: JsonpCallback = () => {};
  array[index] = callback;
  const ours = (): boolean => array[index] === callback || array[index] === muted;
  return {
    index,
    mute() {
      if (ours()) array[index] = muted;
    },
    free() {
      if (!ours()) return;
      array[index] = null;
      // Trailing freed slots are dropped, so a long session does not grow the array.
      while (array.length && array[array.length - 1] === null) array.length--;
    },
  };
}

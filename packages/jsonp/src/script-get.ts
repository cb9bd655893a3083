// One JSONP GET: a `<script src>` whose body calls `___eio[j]("<payload>")`. The payload is taken from the
// callback but handed on at the script's `load` (which fires after it ran), so nothing of ours runs inside the
// server's script and a script that ran without calling back is told apart.
// `___eio` is page-global and shared with every other JSONP client on the page (another omnio, a legacy
// engine.io-client): a slot is claimed by writing a function into a `null` (or new) index and freed by writing
// `null` back. It stays ours until the script settled, even after abort: a late script may still call it.
// @see ../../../../shared/PROTOCOL.md §3
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script

type Slot = ((payload: unknown) => void) | null;

/**
 * Once, never after the returned abort: the script's `load` or `error` event, and what it passed to ___eio (the
 * first call wins; undefined when it made none).
 */
export type ScriptGetDone = (settled: Event, payload: unknown) => void;

/** GETs `url(j)` as a script, `j` being a free ___eio slot (probeJsonp made sure ___eio is an array if set). */
export function scriptGet(global: typeof globalThis, url: (j: number) => string, nonce: string | undefined, done: ScriptGetDone): () => void {
  const slots = ((global as { ___eio?: Slot[] }).___eio ??= []);
  let j = slots.indexOf(null);
  if (j < 0) j = slots.length;
  let payload: unknown;
  slots[j] = (data) => (payload ??= data);
  const doc = global.document;
  const script = doc.createElement("script");
  let live = true;
  const abort = (): void => {
    live = false;
    script.remove();
  };
  // `error`: network error, HTTP error status (a stock server's 400 JSON) or blocked MIME type. Either way the
  // script settled and will never call again, so its index is free.
  script.onload = script.onerror = (event) => {
    slots[j] = null;
    if (!live) return;
    abort();
    done(event as Event, payload);
  };
  if (nonce) script.nonce = nonce;
  script.src = url(j);
  (doc.head ?? doc.documentElement).append(script);
  return abort;
}

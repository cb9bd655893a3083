// One JSONP POST: a hidden `<form method=POST>` with one textarea `d`, submitted into a hidden iframe. Works
// cross-origin without CORS; the iframe's `load` is the only completion signal (a cross-origin answer can't
// be read, and Chromium fires `load` for a failed navigation too: a dead server shows up on the GET side).
// A FRESH iframe per POST: the first navigation of a new iframe replaces its initial about:blank entry, while
// every further navigation of a reused iframe adds a session-history entry (the Back button would then walk
// through our POSTs; observed in Chromium: +1 entry per reused submit, 0 with fresh iframes). It also means a
// late `load` can never be mistaken for the next POST's.
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/form

import { TimeoutError, TransportError } from "@omnio/client";

let sequence = 0;
const HIDDEN = "position:absolute;top:-1000px;left:-1000px;width:1px;height:1px;border:0;visibility:hidden";

export class FormPost {
  private readonly _iframe: HTMLIFrameElement;
  private readonly _form: HTMLFormElement;
  private readonly _timer: ReturnType<typeof setTimeout>;
  private _finished = false;

  /**
   * Submits `value` (already newline-escaped) as field `d` to `url`. `done` runs once, when the answer
   * loaded or the deadline passed; it may be replaced (the transport does, to hand a closing POST off).
   */
  constructor(
    doc: Document,
    readonly url: string,
    value: string,
    timeoutMs: number,
    public done: (error?: TransportError) => void,
  ) {
    const name = `omnio_jsonp_${(sequence++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
    const parent = doc.body ?? doc.documentElement;
    const iframe = (this._iframe = doc.createElement("iframe"));
    iframe.name = name;
    iframe.tabIndex = -1;
    iframe.setAttribute("aria-hidden", "true");
    iframe.style.cssText = HIDDEN;
    // Chromium fires a synchronous `load` for the initial about:blank on insertion: listen only after it.
    parent.appendChild(iframe);
    iframe.addEventListener("load", this._onLoad);
    const form = (this._form = doc.createElement("form"));
    form.method = "POST";
    form.action = url;
    form.target = name;
    form.acceptCharset = "UTF-8"; // else a non-UTF-8 page would send `&#NNNN;` for what it can't encode
    form.enctype = "application/x-www-form-urlencoded";
    form.setAttribute("aria-hidden", "true");
    form.style.cssText = HIDDEN;
    const area = doc.createElement("textarea");
    area.name = "d";
    area.value = value;
    form.appendChild(area);
    parent.appendChild(form);
    this._timer = setTimeout(
      () => this._finish(new TransportError(`Failed to POST ${url} (jsonp): the answer did not load within ${timeoutMs} ms`, "jsonp", {
        cause: new TimeoutError(`JSONP POST timed out after ${timeoutMs} ms`),
      })),
      timeoutMs,
    );
    form.submit();
  }

  /** Remove everything now (aborting the POST if it is still loading); `done` is not called. */
  cancel(): void {
    this._finished = true;
    this._cleanup();
  }

  private readonly _onLoad = (): void => {
    // Should a browser fire the initial about:blank `load` late, it is not the answer: that one is either
    // cross-origin (reading it throws) or a same-origin URL that is not about:blank.
    try {
      if (this._iframe.contentWindow?.location.href === "about:blank") return;
    } catch {
      // cross-origin answer: exactly what we expect
    }
    this._finish();
  };

  private _finish(error?: TransportError): void {
    if (this._finished) return;
    this._finished = true;
    this._cleanup();
    this.done(error);
  }

  private _cleanup(): void {
    clearTimeout(this._timer);
    this._iframe.removeEventListener("load", this._onLoad);
    this._iframe.remove();
    this._form.remove();
  }
}

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

export interface FormPost {
  /** Runs once, when the answer loaded or the deadline passed; replaceable (to hand a closing POST off). */
  done: (error?: TransportError) => void;
  /** Remove everything now (aborting the POST if it is still loading); `done` is not called. */
  cancel(): void;
}

/** Submits `value` (already newline-escaped) as field `d` to `url`. */
export function formPost(doc: Document, url: string, value: string, timeoutMs: number, done: FormPost["done"]): FormPost {
  const name = `omnio_jsonp_${(sequence++).toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const parent = doc.body ?? doc.documentElement;
  const iframe = doc.createElement("iframe");
  const form = doc.createElement("form");
  const area = doc.createElement("textarea");
  let finished = false;
  const end = (report: boolean, error?: TransportError): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    iframe.removeEventListener("load", onLoad);
    iframe.remove();
    form.remove();
    if (report) post.done(error);
  };
  const onLoad = (): void => {
    // Should a browser fire the initial about:blank `load` late, it is not the answer: that one is either
    // cross-origin (reading it throws) or a same-origin URL that is not about:blank.
    try {
      if (iframe.contentWindow?.location.href === "about:blank") return;
    } catch {
      // cross-origin answer: exactly what we expect
    }
    end(true);
  };
  const post: FormPost = { done, cancel: () => end(false) };
  for (const element of [iframe, form]) {
    element.setAttribute("aria-hidden", "true");
    element.style.cssText = "position:absolute;top:-1000px;left:-1000px;width:1px;height:1px;border:0;visibility:hidden";
  }
  iframe.name = name;
  iframe.tabIndex = -1;
  // Chromium fires a synchronous `load` for the initial about:blank on insertion: listen only after it.
  parent.appendChild(iframe);
  iframe.addEventListener("load", onLoad);
  form.method = "POST";
  form.action = url;
  form.target = name;
  form.acceptCharset = "UTF-8"; // else a non-UTF-8 page would send `&#NNNN;` for what it can't encode
  form.enctype = "application/x-www-form-urlencoded";
  area.name = "d";
  area.value = value;
  form.appendChild(area);
  parent.appendChild(form);
  const timer = setTimeout(() => {
    const detail = `no answer within ${timeoutMs} ms`;
    end(true, new TransportError(`Failed to POST ${url} (jsonp): ${detail}`, "jsonp", { cause: new TimeoutError(detail) }));
  }, timeoutMs);
  form.submit();
  return post;
}

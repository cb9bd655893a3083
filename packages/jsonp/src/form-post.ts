// One JSONP POST: a hidden `<form method=POST>` with one textarea `d`, submitted into a hidden iframe. Works
// cross-origin without CORS; the iframe's `load` is the only completion signal (a cross-origin answer can't
// be read, and Chromium fires `load` for a failed navigation too: a dead server shows up on the GET side).
// A FRESH iframe per POST: the first navigation of a new iframe replaces its initial about:blank entry, while
// every further navigation of a reused iframe adds a session-history entry (the Back button would then walk
// through our POSTs; observed in Chromium: +1 entry per reused submit, 0 with fresh iframes). It also means a
// late `load` can never be mistaken for the next POST's.
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/form

/**
 * Submits `value` (already newline-escaped) as field `d` to `url`; returns the cancel (no `done` after it).
 * No deadline here: as with polling, a POST that hangs is caught by the session's heartbeat.
 */
export function formPost(doc: Document, url: string, value: string, done: () => void): () => void {
  const iframe = doc.createElement("iframe");
  const form = doc.createElement("form");
  const area = doc.createElement("textarea");
  // Removing the iframe ends its navigation: no `load` can follow, so no flag is needed.
  const end = (report?: boolean): void => {
    iframe.remove();
    form.remove();
    if (report) done();
  };
  iframe.name = form.target = "omnio" + Math.random();
  iframe.hidden = form.hidden = true;
  form.method = "POST";
  form.action = url;
  form.acceptCharset = "UTF-8"; // else a non-UTF-8 page would send `&#NNNN;` for what it can't encode
  area.name = "d";
  area.value = value;
  form.append(area);
  (doc.body ?? doc.documentElement).append(iframe, form);
  // Listen only now: Chromium fires a synchronous `load` for the initial about:blank on insertion. A browser
  // that fires it late (Firefox) is told apart: the answer is cross-origin (reading it throws) or not blank.
  iframe.onload = () => {
    try {
      if (iframe.contentWindow!.location.href == "about:blank") return;
    } catch {
      // cross-origin answer: exactly what we expect
    }
    end(true);
  };
  form.submit();
  return end;
}

// One JSONP GET: a `<script src>` whose body calls `___eio[j]("<payload>")`. The payload is taken from the
// callback but handled on the script's `load` event (which fires after it ran), so nothing of ours runs inside
// the server's script, a second call is ignored, and a script that ran without calling back is an error.
// @see https://developer.mozilla.org/en-US/docs/Web/HTML/Element/script

import { ProtocolError, TimeoutError, TransportError } from "@omnio/client";
import { claimSlot } from "./callback-slots.js";

export interface ScriptGetRequest {
  /** The URL for callback index `j`. */
  url(j: number): string;
  /** Deadline: a request still pending then is a TransportError (cause: TimeoutError). */
  timeoutMs: number;
  nonce?: string | undefined;
}

/** `error` or the payload string, exactly once, never after `abandon()`. */
export type ScriptGetDone = (error: TransportError | undefined, payload: string) => void;

export interface ScriptGet {
  /** Remove the script now and never report; the callback slot is freed when the script settles. */
  abandon(): void;
}

export function scriptGet(global: typeof globalThis, request: ScriptGetRequest, done: ScriptGetDone): ScriptGet {
  const doc = global.document;
  let called = false;
  let payload: unknown;
  let finished = false;
  const slot = claimSlot(global, (data) => {
    if (called) return;
    called = true;
    payload = data;
    slot.mute();
  });
  const url = request.url(slot.index);
  const script = doc.createElement("script");
  /** `Cause`: the error class the detail is also the message of (a protocol violation, the deadline). */
  const fail = (detail: string, Cause?: typeof ProtocolError): void =>
    finish(new TransportError(`Failed to GET ${url} (jsonp): ${detail}`, "jsonp", Cause && { cause: new Cause(detail) }), "");
  const finish = (error: TransportError | undefined, data: string): void => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    script.remove();
    done(error, data);
  };
  // The script element has settled: it will never run again, so its index is free.
  const settle = (): void => {
    script.onload = script.onerror = null;
    slot.free();
  };
  script.onload = () => {
    settle();
    if (!called) {
      return fail(`the script ran but did not call ___eio[${slot.index}]`, ProtocolError);
    }
    if (typeof payload !== "string") {
      return fail(`___eio[${slot.index}] was called with a ${typeof payload}`, ProtocolError);
    }
    finish(undefined, payload);
  };
  // Fires for network errors, HTTP error statuses (a stock server's 400 JSON) and blocked MIME types.
  script.onerror = () => {
    settle();
    fail("the script failed to load (network error, HTTP error status, or blocked)");
  };
  const timer = setTimeout(() => {
    slot.mute();
    fail(`no answer within ${request.timeoutMs} ms`, TimeoutError);
  }, request.timeoutMs);
  script.async = true;
  if (request.nonce) script.nonce = request.nonce;
  script.src = url;
  (doc.head ?? doc.documentElement).appendChild(script);
  return {
    abandon() {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      slot.mute();
      script.remove();
    },
  };
}

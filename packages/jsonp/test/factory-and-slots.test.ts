// The factory's static parts (traits, probe, nothing at import time) and the ___eio slot bookkeeping of a script
// GET, in Node with fake globals. DOM behaviour is tested in real Chromium (test/browser/jsonp.test.ts).
import { describe, expect, it } from "vitest";
import type { ProbeEnv } from "@omnio/client";
import { jsonp, probeJsonp } from "@omnio/jsonp";
import { scriptGet } from "../src/script-get.js";

const env = (global: object): ProbeEnv => ({ url: new URL("http://x/socket.io/"), crossOrigin: true, global: global as typeof globalThis });

describe("jsonp() factory", () => {
  it("creates nothing global when imported or built", () => {
    jsonp();
    expect("___eio" in globalThis).toBe(false);
  });

  it("is a polling transport needing no CORS", () => {
    const factory = jsonp();
    expect(factory.name).toBe("jsonp");
    expect(factory.traits).toEqual({ duplex: false, streaming: false, binary: false, crossOrigin: "none", handshake: true });
  });

  it("probes for a page (script elements) and a usable ___eio, without touching the document", () => {
    const HTMLScriptElement = function HTMLScriptElement() {};
    expect(probeJsonp(env({}))).toEqual({ supported: false, reason: "not a page" });
    expect(probeJsonp(env({ document: { createElement() {} } })).supported).toBe(false);
    const touched: string[] = [];
    const document = new Proxy({}, { get: (t, k) => (touched.push(String(k)), Reflect.get(t, k)) });
    expect(probeJsonp(env({ document, HTMLScriptElement }))).toEqual({ supported: true, reason: "no CORS needed" });
    expect(probeJsonp(env({ document, HTMLScriptElement, ___eio: [null, () => {}] })).supported).toBe(true);
    expect(touched).toEqual([]);
    // A page-owned ___eio of another kind is not ours to replace, and answers could not reach us through it.
    expect(probeJsonp(env({ document, HTMLScriptElement, ___eio: { 0: "not ours" } }))).toEqual({
      supported: false,
      reason: "___eio is not an array",
    });
  });
});

/** A global whose document makes fake script elements; `scripts` lists them in order of creation. */
function fakePage(___eio?: unknown[]) {
  interface FakeScript {
    src: string;
    nonce?: string;
    connected: boolean;
    onload: ((e: { type: string }) => void) | null;
    onerror: ((e: { type: string }) => void) | null;
    remove(): void;
  }
  const scripts: FakeScript[] = [];
  const document = {
    createElement: () => {
      const script: FakeScript = { src: "", connected: false, onload: null, onerror: null, remove: () => void (script.connected = false) };
      scripts.push(script);
      return script;
    },
    head: { append: (s: FakeScript) => void (s.connected = true) },
  };
  const global = { document, ...(___eio && { ___eio }) } as unknown as typeof globalThis & { ___eio?: (((p: unknown) => void) | null)[] };
  /** What the browser does with script `i`: run its body (optional), then fire load or error. */
  const settle = (i: number, type: "load" | "error", run?: () => void) => {
    run?.();
    scripts[i]![type === "load" ? "onload" : "onerror"]!({ type });
  };
  return { global, scripts, settle };
}

describe("script GET and its ___eio slot", () => {
  const url = (j: number) => `http://x/socket.io/?j=${j}`;

  it("claims fresh indices (creating ___eio on first use), delivers the payload on load, then frees and reuses the index", () => {
    const { global, scripts, settle } = fakePage();
    const results: unknown[][] = [];
    scriptGet(global, url, undefined, (...r) => results.push(r));
    scriptGet(global, url, "n0nce", (...r) => results.push(r));
    expect(scripts.map((s) => [s.src, s.connected, s.nonce])).toEqual([
      [url(0), true, undefined],
      [url(1), true, "n0nce"],
    ]);
    settle(0, "load", () => {
      global.___eio![0]!("4hello");
      global.___eio![0]!("second call is ignored");
    });
    expect(results).toEqual([[{ type: "load" }, "4hello"]]);
    expect(scripts[0]!.connected).toBe(false);
    expect(global.___eio).toEqual([null, expect.any(Function)]);
    scriptGet(global, url, undefined, () => {});
    expect(scripts[2]!.src).toBe(url(0));
  });

  it("reports a script that ran without calling back, and a script that failed to load", () => {
    const { global, scripts, settle } = fakePage();
    const results: unknown[][] = [];
    scriptGet(global, url, undefined, (...r) => results.push(r));
    scriptGet(global, url, undefined, (...r) => results.push(r));
    settle(0, "load");
    settle(1, "error");
    expect(results).toEqual([
      [{ type: "load" }, undefined],
      [{ type: "error" }, undefined],
    ]);
    expect(scripts.every((s) => !s.connected)).toBe(true);
    expect(global.___eio).toEqual([null, null]);
  });

  it("after abort: removes the script, keeps the index taken until the script settled, never reports", () => {
    const { global, scripts, settle } = fakePage();
    const results: unknown[][] = [];
    const abort = scriptGet(global, url, undefined, (...r) => results.push(r));
    abort();
    expect(scripts[0]!.connected).toBe(false);
    // a late script may still call it: the index must not go to a new request yet
    expect(typeof global.___eio![0]).toBe("function");
    scriptGet(global, url, undefined, () => {});
    expect(scripts[1]!.src).toBe(url(1));
    settle(0, "load", () => global.___eio![0]!("4late"));
    expect(results).toEqual([]);
    expect(global.___eio![0]).toBeNull();
  });

  it("leaves other clients' slots alone and takes only null ones", () => {
    const legacy = () => {};
    const { global, scripts, settle } = fakePage([legacy, null, legacy]);
    scriptGet(global, url, undefined, () => {});
    scriptGet(global, url, undefined, () => {});
    expect(scripts.map((s) => s.src)).toEqual([url(1), url(3)]);
    settle(0, "error");
    settle(1, "error");
    expect(global.___eio).toEqual([legacy, null, legacy, null]);
  });
});

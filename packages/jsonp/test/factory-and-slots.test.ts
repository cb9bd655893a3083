// The factory's static parts (traits, probe, nothing at import time) and the ___eio slot bookkeeping of the
// transport's script GETs, in Node with fake globals. DOM behaviour is tested in real Chromium
// (test/browser/jsonp.test.ts).
import { describe, expect, it } from "vitest";
import type { ProbeEnv, TransportContext } from "@omnio/client";
import { JsonpTransport, jsonp } from "@omnio/jsonp";

const env = (global: object): ProbeEnv => ({ url: new URL("http://x/socket.io/"), crossOrigin: true, global: global as typeof globalThis });
const probeJsonp = (global: object) => jsonp().probe(env(global));

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
    expect(probeJsonp({})).toEqual({ supported: false, reason: "no page or ___eio" });
    expect(probeJsonp({ document: { createElement() {} } }).supported).toBe(false);
    const touched: string[] = [];
    const document = new Proxy({}, { get: (t, k) => (touched.push(String(k)), Reflect.get(t, k)) });
    expect(probeJsonp({ document, HTMLScriptElement })).toEqual({ supported: true, reason: "script" });
    expect(probeJsonp({ document, HTMLScriptElement, ___eio: [null, () => {}] }).supported).toBe(true);
    expect(probeJsonp({ document, HTMLScriptElement, ___eio: null }).supported).toBe(true);
    expect(touched).toEqual([]);
    // A page-owned ___eio of another kind is not ours to replace, and answers could not reach us through it.
    expect(probeJsonp({ document, HTMLScriptElement, ___eio: { 0: "not ours" } })).toEqual({
      supported: false,
      reason: "no page or ___eio",
    });
  });
});

/** A global whose document makes fake script elements; `scripts` lists them in order of creation. */
function fakePage(___eio?: unknown[]) {
  interface FakeScript {
    src: string;
    nonce?: string;
    isConnected: boolean;
    onload: ((e: { type: string }) => void) | null;
    onerror: ((e: { type: string }) => void) | null;
    remove(): void;
  }
  const scripts: FakeScript[] = [];
  const document = {
    createElement: () => {
      const script: FakeScript = { src: "", isConnected: false, onload: null, onerror: null, remove: () => void (script.isConnected = false) };
      scripts.push(script);
      return script;
    },
    documentElement: { append: (s: FakeScript) => void (s.isConnected = true) },
  };
  const global = { document, ...(___eio && { ___eio }) } as unknown as typeof globalThis & { ___eio?: (((p: unknown) => void) | null)[] };
  /** What the browser does with script `i`: run its body (optional), then fire load or error. */
  const settle = (i: number, type: "load" | "error", run?: () => void) => {
    run?.();
    scripts[i]![type === "load" ? "onload" : "onerror"]!({ type });
  };
  /** An opened transport doing its handshake GET; `events` records what its session hears. */
  const open = (nonce?: string) => {
    const events: unknown[] = [];
    const context: TransportContext = {
      base: "http://x/socket.io/",
      query: () => ({ EIO: "4" }),
      withCredentials: false,
      maxPayload: () => 1e6,
      global,
      sink: {
        onOpen: () => events.push("open"),
        onPacket: (packet) => events.push(packet),
        onDrain: () => events.push("drain"),
        onClose: (reason, error) => events.push([reason, error?.message]),
      },
    };
    const transport = new JsonpTransport(context, nonce);
    transport.open();
    return { transport, events };
  };
  /** `j` and `transport` of script `i`'s URL. */
  const query = (i: number) => {
    const params = new URL(scripts[i]!.src).searchParams;
    return { j: params.get("j"), transport: params.get("transport") };
  };
  return { global, scripts, settle, open, query };
}

describe("script GET and its ___eio slot", () => {
  it("claims fresh indices (creating ___eio on first use), delivers the payload on load, then frees and reuses the index", () => {
    const { global, scripts, settle, open, query } = fakePage();
    const first = open();
    open("n0nce");
    expect(scripts.map((s, i) => [query(i), s.isConnected, s.nonce])).toEqual([
      [{ j: "0", transport: "polling" }, true, ""],
      [{ j: "1", transport: "polling" }, true, "n0nce"],
    ]);
    settle(0, "load", () => global.___eio![0]!("4hello"));
    expect(first.events).toEqual(["open", { type: "message", data: "hello" }]);
    expect(scripts[0]!.isConnected).toBe(false);
    // the next poll started at once and took the freed index
    expect(scripts.length).toBe(3);
    expect(query(2).j).toBe("0");
    expect(global.___eio).toEqual([expect.any(Function), expect.any(Function)]);
  });

  it("reports a script that ran without calling back, and a script that failed to load", () => {
    const { global, scripts, settle, open } = fakePage();
    const ran = open();
    const failed = open();
    settle(0, "load");
    settle(1, "error");
    expect(ran.events).toEqual([["transport error", "no ___eio call"]]);
    expect(failed.events).toEqual([["transport error", "script error"]]);
    expect(scripts.every((s) => !s.isConnected)).toBe(true);
    expect(global.___eio).toEqual([null, null]);
  });

  it("after close: removes the script, keeps the index taken until the script settled, never reports", () => {
    const { global, scripts, settle, open, query } = fakePage();
    const closed = open();
    closed.transport.close();
    expect(scripts[0]!.isConnected).toBe(false);
    // a late script may still call it: the index must not go to a new request yet
    expect(typeof global.___eio![0]).toBe("function");
    open();
    expect(query(1).j).toBe("1");
    settle(0, "load", () => global.___eio![0]!("4late"));
    expect(closed.events).toEqual([]);
    expect(global.___eio![0]).toBeNull();
  });

  it("leaves other clients' slots alone and takes only free ones", () => {
    const legacy = () => {};
    const { global, settle, open, query } = fakePage([legacy, null, legacy]);
    open();
    open();
    expect([query(0).j, query(1).j]).toEqual(["1", "3"]);
    settle(0, "error");
    settle(1, "error");
    expect(global.___eio).toEqual([legacy, null, legacy, null]);
  });
});

// The factory's static parts (traits, probe, nothing at import time) and the ___eio slot bookkeeping, in Node
// with fake globals. DOM behaviour is tested in real Chromium (test/browser/jsonp.test.ts).
import { describe, expect, it } from "vitest";
import { TransportError, type ProbeEnv } from "@omnio/client";
import { jsonp, probeJsonp } from "@omnio/jsonp";
import { claimSlot } from "../src/callback-slots.js";

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

  it("probes for a document that can make script elements, without touching it", () => {
    expect(probeJsonp(env({}))).toEqual({ supported: false, reason: "no document (not a page)" });
    expect(probeJsonp(env({ document: {} })).supported).toBe(false);
    expect(probeJsonp(env({ document: { createElement() {} } })).reason).toBe("document without script elements");
    const touched: string[] = [];
    const document = new Proxy({ createElement() {} }, { get: (t, k) => (touched.push(String(k)), Reflect.get(t, k)) });
    const result = probeJsonp(env({ document, HTMLScriptElement: function HTMLScriptElement() {} }));
    expect(result.supported).toBe(true);
    expect(touched).toEqual(["createElement"]); // looked at, never called
  });
});

describe("___eio callback slots", () => {
  const fakeGlobal = (): typeof globalThis & { ___eio?: unknown[] } => ({}) as typeof globalThis;

  it("creates the array on first use and hands out fresh indices", () => {
    const g = fakeGlobal();
    const a = claimSlot(g, () => {});
    const b = claimSlot(g, () => {});
    expect([a.index, b.index]).toEqual([0, 1]);
    expect(g.___eio).toHaveLength(2);
  });

  it("never reuses a muted index; reuses a freed one; trims freed slots at the end", () => {
    const g = fakeGlobal();
    const a = claimSlot(g, () => {});
    const b = claimSlot(g, () => {});
    const c = claimSlot(g, () => {});
    a.mute();
    expect(typeof g.___eio![0]).toBe("function"); // a late script may still call it
    expect(claimSlot(g, () => {}).index).toBe(3);
    b.free();
    expect(g.___eio![1]).toBeNull();
    expect(claimSlot(g, () => {}).index).toBe(1);
    c.free();
    expect(g.___eio![2]).toBeNull();
  });

  it("a muted slot swallows calls; a freed trailing slot shrinks the array", () => {
    const g = fakeGlobal();
    const calls: unknown[] = [];
    const a = claimSlot(g, (p) => calls.push(p));
    (g.___eio![0] as (p: unknown) => void)("first");
    a.mute();
    (g.___eio![0] as (p: unknown) => void)("late");
    expect(calls).toEqual(["first"]);
    a.free();
    expect(g.___eio).toEqual([]);
  });

  it("leaves other clients' slots alone", () => {
    const g = fakeGlobal();
    const legacy = () => {};
    g.___eio = [legacy];
    const ours = claimSlot(g, () => {});
    expect(ours.index).toBe(1);
    g.___eio[1] = legacy; // someone else took the index over
    ours.free();
    expect(g.___eio[1]).toBe(legacy);
  });

  it("refuses a page-owned ___eio that is not an array", () => {
    const g = fakeGlobal() as unknown as { ___eio: unknown };
    g.___eio = { 0: "not ours" };
    expect(() => claimSlot(g as unknown as typeof globalThis, () => {})).toThrow(TransportError);
  });
});

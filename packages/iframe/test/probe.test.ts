// probeIframe on fake globals: what the static probe says and why, without a browser (it must construct nothing).
import { describe, expect, it } from "vitest";
import { iframe, probeIframe } from "../src/index.js";

const page = (extra: Record<string, unknown> = {}) =>
  ({
    document: { createElement: () => ({}) },
    HTMLIFrameElement: function HTMLIFrameElement() {},
    location: { origin: "http://page.test" },
    ...extra,
  }) as unknown as typeof globalThis;
const env = (global: typeof globalThis, crossOrigin: boolean) => ({ url: new URL("http://server.test/socket.io/"), crossOrigin, global });

describe("iframe() factory", () => {
  it("has the htmlfile name and traits", () => {
    const f = iframe();
    expect(f.name).toBe("htmlfile");
    expect(f.traits).toEqual({ duplex: false, streaming: true, binary: false, crossOrigin: "postMessage", handshake: true });
  });
});

describe("probeIframe", () => {
  it("supports a page, same-origin or cross-origin", () => {
    expect(probeIframe(env(page(), false))).toMatchObject({ supported: true, reason: "iframe" });
    expect(probeIframe(env(page(), true))).toMatchObject({ supported: true, reason: "iframe" });
  });
  it("says why not: not a page (no document, iframes or location), or an opaque page origin cross-origin", () => {
    const cases: Array<[typeof globalThis, boolean, RegExp]> = [
      [{} as typeof globalThis, false, /not a page/],
      [page({ HTMLIFrameElement: undefined }), false, /not a page/],
      [page({ location: undefined }), false, /not a page/],
      [page({ location: { origin: "null" } }), true, /opaque origin/],
    ];
    for (const [global, crossOrigin, reason] of cases) {
      const result = probeIframe(env(global, crossOrigin));
      expect(result.supported).toBe(false);
      expect(result.reason).toMatch(reason);
    }
  });
});

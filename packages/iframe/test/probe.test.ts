// probeIframe on fake globals: what the static probe says and why, without a browser (it must construct nothing).
import { describe, expect, it } from "vitest";
import { iframe, probeIframe } from "../src/index.js";

/** XHR level 2 has `withCredentials` on its prototype (an accessor), which is what the probe looks at. */
class FakeXhr {
  get withCredentials(): boolean {
    return false;
  }
}
const page = (extra: Record<string, unknown> = {}) =>
  ({
    document: { createElement: () => ({}) },
    HTMLIFrameElement: function HTMLIFrameElement() {},
    location: { origin: "http://page.test" },
    XMLHttpRequest: FakeXhr,
    postMessage: () => {},
    addEventListener: () => {},
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
    expect(probeIframe(env(page(), false))).toMatchObject({ supported: true, reason: expect.stringMatching(/same origin/) });
    expect(probeIframe(env(page(), true))).toMatchObject({ supported: true, reason: expect.stringMatching(/postMessage/) });
  });
  it("says why not: no document, no iframes, opaque origin, no postMessage, no CORS XHR", () => {
    const cases: Array<[typeof globalThis, boolean, RegExp]> = [
      [{} as typeof globalThis, false, /no document/],
      [page({ HTMLIFrameElement: undefined }), false, /without iframe/],
      [page({ location: undefined }), false, /no location/],
      [page({ XMLHttpRequest: undefined, fetch: undefined }), false, /no XMLHttpRequest or fetch/],
      [page({ location: { origin: "null" } }), true, /opaque origin/],
      [page({ postMessage: undefined }), true, /no postMessage/],
      [page({ XMLHttpRequest: class {} }), true, /without CORS/],
    ];
    for (const [global, crossOrigin, reason] of cases) {
      const result = probeIframe(env(global, crossOrigin));
      expect(result.supported).toBe(false);
      expect(result.reason).toMatch(reason);
    }
  });
});

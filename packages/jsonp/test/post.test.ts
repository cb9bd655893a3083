// The POST side of the JSONP transport (no-cors fetches of a form body), in Node with a fake page and a fetch
// whose answers the test gives: one POST at a time, the split to fit maxPayload, close() letting the POST in
// flight finish with the close packet behind it (aborted 10 s on), and failures reported once, never after close.
// The wire itself is tested against stock servers in real Chromium (test/browser/jsonp.test.ts).
import { afterEach, describe, expect, it, vi } from "vitest";
import type { TransportContext } from "@omnio/client";
import { JsonpTransport } from "@omnio/jsonp";

interface FakePost {
  url: URL;
  init: RequestInit;
  body: string;
  answer(): void;
  refuse(): void;
}

/** An open JsonpTransport (its handshake script called back) on a fake page; `posts` lists its fetches. */
function openTransport(maxPayload = 1e6) {
  const posts: FakePost[] = [];
  const events: unknown[] = [];
  const scripts: { isConnected: boolean; onload: (e: unknown) => void; remove(): void }[] = [];
  const global = {
    document: {
      createElement: () => {
        const script = { isConnected: false, onload: (_e: unknown) => {}, remove: () => void (script.isConnected = false) };
        scripts.push(script);
        return script;
      },
      documentElement: { append: (s: { isConnected: boolean }) => void (s.isConnected = true) },
    },
    fetch: (url: string, init: RequestInit) =>
      new Promise((resolve, reject) => {
        const signal = init.signal!;
        signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        posts.push({ url: new URL(url), init, body: String(init.body), answer: () => resolve({}), refuse: () => reject(new TypeError("Failed to fetch")) });
      }),
  } as unknown as typeof globalThis & { ___eio: ((p: unknown) => void)[] };
  const context: TransportContext = {
    base: "http://x/socket.io/",
    query: () => ({ EIO: "4", sid: "s" }),
    withCredentials: false,
    maxPayload: () => maxPayload,
    global,
    sink: {
      onOpen: () => events.push("open"),
      onPacket: (packet) => events.push(packet),
      onDrain: () => events.push("drain"),
      onClose: (reason, error) => events.push([reason, error?.message]),
    },
  };
  const transport = new JsonpTransport(context);
  transport.open();
  // the joining transport opens on a fresh task; the poll's script calls back with a noop
  global.___eio[0]!("6");
  scripts[0]!.onload({ type: "load" });
  events.length = 0;
  return { transport, events, posts };
}

/** Lets the fetch promises' continuations run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

afterEach(() => void vi.useRealTimers());

describe("JSONP POSTs", () => {
  it("post the payload as a no-cors form body (d=, newlines escaped), one at a time, drained on the answer", async () => {
    const { transport, events, posts } = openTransport();
    transport.send([{ type: "message", data: "a\nb" }]);
    expect(transport.writable).toBe(false);
    expect(posts).toHaveLength(1);
    expect(posts[0]!.init).toMatchObject({ method: "POST", mode: "no-cors", credentials: "include" });
    expect(new URLSearchParams(posts[0]!.body).get("d")).toBe("4a\\nb");
    expect(posts[0]!.url.searchParams.get("j")).toBe("0");
    posts[0]!.answer();
    await settle();
    expect(events).toEqual(["drain"]);
    expect(transport.writable).toBe(true);
  });

  it("split a batch too large once form-encoded into POSTs that fit, posted one after another, one drain", async () => {
    const { transport, events, posts } = openTransport(40);
    transport.send(["é".repeat(5), "é".repeat(5), "é".repeat(5), "é".repeat(5)].map((data) => ({ type: "message" as const, data })));
    for (let i = 0; i < 4; i++) {
      expect(posts).toHaveLength(i + 1);
      expect(posts[i]!.body.length).toBeLessThanOrEqual(40);
      expect(events).toEqual([]);
      posts[i]!.answer();
      await settle();
    }
    expect(events).toEqual(["drain"]);
  });

  it("close() lets the POST in flight finish, posts the close packet behind it, reports nothing", async () => {
    vi.useFakeTimers();
    const { transport, events, posts } = openTransport();
    transport.send([{ type: "message", data: "last" }]);
    transport.close();
    expect(posts[0]!.init.signal!.aborted).toBe(false);
    posts[0]!.answer();
    await vi.advanceTimersByTimeAsync(0);
    expect(posts.map((p) => new URLSearchParams(p.body).get("d"))).toEqual(["4last", "1"]);
    // the close POST hangs: aborted 10 s after close()
    await vi.advanceTimersByTimeAsync(10_000);
    expect(posts[1]!.init.signal!.aborted).toBe(true);
    expect(events).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("a POST that fails on the network fails the transport once; after close() a failure is not reported", async () => {
    const failing = openTransport();
    failing.transport.send([{ type: "message", data: "x" }]);
    failing.posts[0]!.refuse();
    await settle();
    expect(failing.events).toEqual([["transport error", expect.stringMatching(/^Failed to POST .*Failed to fetch$/)]]);

    const closed = openTransport();
    closed.transport.send([{ type: "message", data: "x" }]);
    closed.transport.close();
    closed.posts[0]!.refuse();
    await settle();
    expect(closed.events).toEqual([]);
  });
});

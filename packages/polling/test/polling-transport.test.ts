// Unit tests of the polling transport over fetch (Node) against an msw fake Engine.IO endpoint.
import { http } from "msw";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ProtocolError, TransportError, type HttpStatusFailure, type Transport } from "@omnio/client";
import { PollingTransport, polling } from "@omnio/polling";
import { Driver, waitUntil } from "./driver.js";
import { BASE, FakeEngine, OPEN } from "./fake-engine.js";

const engine = new FakeEngine();
let driver: Driver;
let transport: PollingTransport;

const serverSaw = (test: () => boolean, label: string, ms = 5000) => waitUntil(test, label, ms, engine.wakers);

beforeAll(() => engine.server.listen({ onUnhandledRequest: "error" }));
afterAll(() => engine.server.close());
beforeEach(() => {
  engine.gets.length = engine.posts.length = 0;
  engine.maxInFlight.GET = engine.maxInFlight.POST = 0;
  engine.autoHandshake = engine.autoOk = true;
  driver = new Driver(BASE);
  transport = polling().create(driver.context()) as PollingTransport;
});
afterEach(() => {
  transport.close();
  // Free anything a test left held so msw's handlers finish.
  for (const r of [...engine.gets, ...engine.posts]) if (!r.answered && !r.aborted) r.respond("6");
});

async function openSession(): Promise<void> {
  transport.open();
  await driver.until(() => driver.sid === "s1", "the open packet");
  await serverSaw(() => !!engine.pendingGet(), "the first long poll");
}

describe("polling transport", () => {
  it("handshakes: onOpen, then the open packet, then polls again with the sid", async () => {
    await openSession();
    expect(driver.events.slice(0, 2)).toEqual([{ kind: "open" }, { kind: "packet", packet: { type: "open", data: OPEN.slice(1) } }]);
    const [handshake, poll] = engine.gets;
    expect(handshake!.url.searchParams.get("EIO")).toBe("4");
    expect(handshake!.url.searchParams.get("transport")).toBe("polling");
    expect(handshake!.url.searchParams.has("sid")).toBe(false);
    expect(poll!.url.searchParams.get("sid")).toBe("s1");
    // Cache busters: present, short, different per request.
    const ts = engine.gets.map((r) => r.url.searchParams.get("t")!);
    expect(new Set(ts).size).toBe(ts.length);
    for (const t of ts) expect(t.length).toBeLessThanOrEqual(12);
  });

  it("delivers each GET batch in order and keeps polling", async () => {
    await openSession();
    engine.pendingGet()!.respond("4hello\x1e4world\x1e2");
    await driver.until(() => driver.packets.length === 4, "three packets");
    expect(driver.packets.slice(1)).toEqual([
      { type: "message", data: "hello" },
      { type: "message", data: "world" },
      { type: "ping" },
    ]);
    await serverSaw(() => engine.gets.length === 3 && !!engine.pendingGet(), "the next poll");
  });

  it("sends batches as one text/plain POST each and drains", async () => {
    await openSession();
    transport.send([{ type: "message", data: "a" }, { type: "pong" }]);
    expect(transport.writable).toBe(false);
    await driver.until(() => driver.count("drain") === 1, "drain");
    expect(transport.writable).toBe(true);
    expect(engine.posts.map((p) => p.body)).toEqual(["4a\x1e3"]);
    expect(engine.posts[0]!.contentType).toBe("text/plain;charset=UTF-8"); // a CORS "simple" type: no preflight
    expect(engine.posts[0]!.url.searchParams.get("sid")).toBe("s1");
  });

  it("reads each POST's answer before the drain (Node's fetch holds the connection of an unread body)", async () => {
    const posts: Response[] = [];
    const fetch: typeof globalThis.fetch = (url, init) =>
      globalThis.fetch(url, init).then((r) => (init?.method === "POST" && posts.push(r), r));
    transport = polling().create({ ...driver.context(), global: { ...globalThis, fetch } }) as PollingTransport;
    await openSession();
    transport.send([{ type: "message", data: "a" }]);
    await driver.until(() => driver.count("drain") === 1, "drain");
    expect(posts).toHaveLength(1);
    expect(posts[0]!.bodyUsed).toBe(true);
  });

  it("send() after close() (or a pause) requests nothing", async () => {
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = (url, init) => (calls.push(init?.method ?? "GET"), globalThis.fetch(url, init));
    transport = polling().create({ ...driver.context(), global: { ...globalThis, fetch } }) as PollingTransport;
    await openSession();
    transport.close();
    const before = calls.length; // the close packet's POST included
    transport.send([{ type: "message", data: "late" }]);
    expect(calls.length).toBe(before); // fetch is called synchronously by a POST
  });

  it("has one GET and one POST in flight, not writable until each POST's drain, and keeps send order", async () => {
    await openSession();
    engine.autoOk = false;
    for (let i = 0; i < 5; i++) {
      // the session's side of the contract: send() only while writable
      expect(transport.writable).toBe(true);
      transport.send([{ type: "message", data: `m${i}` }]);
      expect(transport.writable).toBe(false);
      await serverSaw(() => !!engine.pendingPost(), `POST ${i}`);
      engine.pendingPost()!.respond("ok");
      engine.pendingGet()!.respond(`4r${i}`);
      await driver.until(() => driver.packets.length === 2 + i && driver.count("drain") === i + 1, `reply and drain ${i}`);
    }
    expect(engine.posts.map((p) => p.body)).toEqual(["4m0", "4m1", "4m2", "4m3", "4m4"]);
    expect(engine.maxInFlight).toEqual({ GET: 1, POST: 1 });
  });

  it("carries binary as base64 both ways", async () => {
    await openSession();
    transport.send([{ type: "message", data: new Uint8Array([1, 2, 3]) }]);
    await driver.until(() => driver.count("drain") === 1, "drain");
    expect(engine.posts[0]!.body).toBe("bAQID");
    engine.pendingGet()!.respond("bBAUG");
    await driver.until(() => driver.packets.length === 2, "binary packet");
    const data = driver.packets[1]!.data;
    expect(data).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(data as ArrayBuffer)]).toEqual([4, 5, 6]);
  });

  it("pause waits for the pending GET (answered with noop) and the pending POST, then stops polling", async () => {
    await openSession();
    engine.autoOk = false;
    transport.send([{ type: "message", data: "last" }]);
    await serverSaw(() => !!engine.pendingPost(), "the POST");
    let paused = 0;
    const wakers = new Set<() => void>();
    transport.pause(() => {
      paused++;
      for (const wake of [...wakers]) wake();
    });
    engine.pendingGet()!.respond("6");
    await driver.until(() => driver.packets.some((p) => p.type === "noop"), "noop delivered");
    expect(paused).toBe(0); // the POST is still out
    engine.pendingPost()!.respond("ok");
    await waitUntil(() => paused === 1, "onPaused", 5000, wakers);
    expect(paused).toBe(1);
    expect(engine.gets.filter((r) => !r.answered && !r.aborted)).toHaveLength(0);
    expect(engine.gets).toHaveLength(2); // handshake + the one poll: no new GET after pausing
    transport.close();
    expect(engine.posts.map((p) => p.body)).toEqual(["4last"]); // no close packet after an upgrade-away
  });

  it("close aborts the pending GET, tells the server, and never calls the sink again", async () => {
    await openSession();
    const pending = engine.pendingGet()!;
    const before = driver.events.length;
    transport.close();
    await serverSaw(() => pending.aborted, "the GET aborted");
    await serverSaw(() => engine.posts.some((p) => p.body === "1"), "the close packet POST");
    transport.send([{ type: "message", data: "late" }]);
    transport.open();
    expect(engine.posts.map((p) => p.body)).toEqual(["1"]);
    expect(driver.events.length).toBe(before);
  });

  it("a session that writes the close packet itself and closes on drain sends it once", async () => {
    await openSession();
    transport.send([{ type: "message", data: "last" }, { type: "close" }]);
    await driver.until(() => driver.count("drain") === 1, "drain");
    transport.close();
    expect(engine.posts.map((p) => p.body)).toEqual(["4last\x1e1"]);
  });

  it("a close packet from the server ends the transport cleanly", async () => {
    await openSession();
    engine.pendingGet()!.respond("4bye\x1e1");
    await driver.until(() => !!driver.closed, "close");
    expect(driver.packets.map((p) => p.type)).toEqual(["open", "message", "close"]);
    expect(driver.closed).toEqual({ kind: "close", reason: "transport close" });
    expect(engine.gets).toHaveLength(2); // no poll after the close packet
    transport.close();
    expect(engine.posts).toHaveLength(0); // the server already closed: no close packet back
  });

  it.each([
    [400, '{"code":1,"message":"Session ID unknown"}'],
    [500, "Internal Server Error"],
  ])("HTTP %i on a poll → TransportError with status and body excerpt", async (status, body) => {
    await openSession();
    engine.pendingGet()!.respond(body, status);
    await driver.until(() => !!driver.closed, "close");
    const { reason, error } = driver.closed!;
    expect(reason).toBe("transport error");
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).transport).toBe("polling");
    expect(error!.message).toMatch(new RegExp(`^Failed to GET http://poll\\.test/socket\\.io/\\?.*sid=s1.*: HTTP ${status} `));
    expect(error!.message).toContain(body);
    expect((error!.cause as HttpStatusFailure).status).toBe(status);
  });

  it("HTTP 400 on a POST → TransportError naming the POST", async () => {
    await openSession();
    engine.autoOk = false;
    transport.send([{ type: "message", data: "x" }]);
    await serverSaw(() => !!engine.pendingPost(), "the POST");
    engine.pendingPost()!.respond('{"code":3,"message":"Bad request"}', 400);
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.error!.message).toMatch(/^Failed to POST .* HTTP 400 \{"code":3,"message":"Bad request"\}$/);
    expect(driver.count("drain")).toBe(0);
  });

  it("a network error → TransportError with the original in cause", async () => {
    // One-shot: the next request fails at the network level.
    engine.server.use(http.get(BASE, () => Response.error(), { once: true }));
    transport.open();
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.error).toBeInstanceOf(TransportError);
    expect(driver.closed!.error!.message).toMatch(/^Failed to GET http:\/\/poll\.test\/socket\.io\/\?EIO=4.*: /);
    expect(driver.closed!.error!.cause).toBeInstanceOf(Error);
  });

  it.each([
    ["garbage type", "9nope"],
    ["empty body", ""],
    ["bad base64", "b!!!"],
  ])("malformed payload (%s) → TransportError caused by ProtocolError, no throw", async (_label, body) => {
    await openSession();
    engine.pendingGet()!.respond(body);
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.reason).toBe("parse error");
    expect(driver.closed!.error).toBeInstanceOf(TransportError);
    expect(driver.closed!.error!.cause).toBeInstanceOf(ProtocolError);
    expect(engine.gets).toHaveLength(2);
  });

  it("a handshake answer without the open packet goes to the session, which waits for one (its deadline)", async () => {
    engine.autoHandshake = false;
    transport.open();
    await serverSaw(() => !!engine.pendingGet(), "handshake GET");
    engine.pendingGet()!.respond("4surprise");
    await driver.until(() => driver.count("packet") === 1, "the packet");
    expect(driver.count("open")).toBe(1);
    expect(driver.closed).toBeUndefined();
  });

  it("does not enforce maxPayload on responses (stock servers flush their whole buffer at once)", async () => {
    const small = new Driver(BASE, { maxPayload: () => 10 });
    const t: Transport = polling().create(small.context());
    t.open();
    await small.until(() => small.sid === "s1", "open");
    await serverSaw(() => !!engine.pendingGet(), "poll");
    engine.pendingGet()!.respond("4" + "x".repeat(100));
    await small.until(() => small.packets.length === 2, "the big packet");
    expect(small.closed).toBeUndefined();
    t.close();
  });
});

describe("polling probe", () => {
  const env = (global: Partial<typeof globalThis>, crossOrigin = false) => ({
    url: new URL(BASE),
    crossOrigin,
    global: global as typeof globalThis,
  });
  const probe = polling().probe;

  it("needs fetch (which always speaks CORS), same-origin or cross-origin; an XHR alone is not used", () => {
    expect(probe(env({ fetch: globalThis.fetch }))).toEqual({ supported: true, reason: "long polling over fetch" });
    expect(probe(env({ fetch: globalThis.fetch }, true))).toEqual({ supported: true, reason: "long polling over fetch" });
    expect(probe(env({ XMLHttpRequest: class {} as never }))).toEqual({ supported: false, reason: "no fetch for long polling" });
    expect(probe(env({}))).toEqual({ supported: false, reason: "no fetch for long polling" });
  });

  it("declares its traits", () => {
    expect(polling().name).toBe("polling");
    expect(polling().traits).toEqual({ duplex: false, streaming: false, binary: false, crossOrigin: "cors", handshake: true });
  });
});

// Manager: reconnection (backoff, limits, stopping), connect timeout, multiplexing, URL lookup, ranking rows,
// transport events — over fake transports and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connect, Manager, ranked, TimeoutError, TransportError, type ConnectOptions, type Socket } from "../src/index.js";
import { parseUrl } from "../src/url.js";
import { DUPLEX, POLLING, autoServer, fakeFactory, type FakeFactory } from "./helpers/fake-transport.js";

let ws: FakeFactory;
const sockets: Socket[] = [];
let host = 0;

/** A fresh origin per test keeps connect()'s Manager cache from leaking between tests. */
function open(path = "/", opts: Partial<ConnectOptions> = {}): Socket {
  const s = connect(`http://h${host}.test${path}`, { transports: [ws], randomizationFactor: 0, ...opts });
  sockets.push(s);
  return s;
}
const tick = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers();
  host++;
  ws = fakeFactory("websocket", DUPLEX);
  autoServer(ws);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  expect(vi.getTimerCount()).toBe(0); // everything a Manager starts is stopped by the last disconnect
  vi.useRealTimers();
});

describe("reconnection", () => {
  it("reconnects with exponential backoff, then reconnects the namespaces", async () => {
    const s = open("/", { reconnectionDelay: 100, reconnectionDelayMax: 1000 });
    await tick();
    const log: string[] = [];
    const m = s.io;
    for (const ev of ["open", "close", "error", "reconnect_attempt", "reconnect", "reconnect_error"] as const) {
      m.on(ev, (arg?: unknown) => log.push(`${ev}${typeof arg === "number" || typeof arg === "string" ? ":" + arg : ""}`));
    }
    s.on("disconnect", (r) => log.push("disconnect:" + r));
    s.on("connect", () => log.push("connect"));
    ws.onOpen = (t) => queueMicrotask(() => t.fail("refused")); // the server is down
    ws.instances[0]!.fail("gone");
    expect(log).toEqual(["close:transport error", "disconnect:transport error"]);
    await vi.advanceTimersByTimeAsync(99);
    expect(ws.instances).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(log.slice(2)).toEqual(["reconnect_attempt:1", "error", "reconnect_error"]);
    await vi.advanceTimersByTimeAsync(199);
    expect(ws.instances).toHaveLength(2);
    autoServer(ws); // the server is back
    await vi.advanceTimersByTimeAsync(1);
    await tick();
    expect(log.slice(5)).toEqual(["reconnect_attempt:2", "open", "reconnect:2", "connect"]);
    expect(s.connected).toBe(true);
  });

  it("emits connect_error on every failed attempt and reconnect_failed after reconnectionAttempts", async () => {
    ws.onOpen = (t) => queueMicrotask(() => t.fail("refused"));
    const s = open("/", { reconnectionAttempts: 2, reconnectionDelay: 10 });
    const errors: Error[] = [];
    s.on("connect_error", (e) => errors.push(e));
    const failed = vi.fn();
    s.io.on("reconnect_failed", failed);
    await vi.advanceTimersByTimeAsync(1000);
    expect(errors).toHaveLength(3); // first open + 2 attempts
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(failed).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(ws.instances).toHaveLength(3);
  });

  it("does not reconnect when the last socket disconnects from its disconnect listener", async () => {
    const s = open("/", { reconnectionDelay: 100 });
    await tick();
    s.on("disconnect", () => s.disconnect());
    ws.instances[0]!.fail("gone");
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(ws.instances).toHaveLength(1);
  });

  it("stops with manager.reconnection(false) and with socket.disconnect()", async () => {
    const s = open("/", { reconnectionDelay: 100 });
    await tick();
    ws.onOpen = (t) => queueMicrotask(() => t.fail("refused"));
    ws.instances[0]!.fail("gone");
    expect(vi.getTimerCount()).toBe(1);
    s.io.reconnection(false);
    expect(s.io.reconnection()).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
    s.io.reconnection(true);
    s.connect(); // explicit connect still works
    await vi.advanceTimersByTimeAsync(5);
    s.disconnect();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ws.instances).toHaveLength(2);
  });

  it("reports an unsupported transport as connect_error to listeners attached after connect()", async () => {
    ws.supported = false;
    const s = open("/", { reconnection: false });
    const errors: Error[] = [];
    s.on("connect_error", (e) => errors.push(e));
    await tick();
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(TransportError);
    expect(errors[0]!.message).toBe("no transport worked (websocket: fake: unsupported)");
  });

  it("times out a handshake that never comes (timeout option) with a TimeoutError", async () => {
    ws.onOpen = undefined; // silent server
    const s = open("/", { timeout: 500, reconnection: false });
    const errors: Error[] = [];
    s.on("connect_error", (e) => errors.push(e));
    await vi.advanceTimersByTimeAsync(500);
    expect(errors[0]).toBeInstanceOf(TimeoutError);
    expect(errors[0]!.message).toBe("connect timeout");
    expect(ws.instances[0]!.closed).toBe(true);
  });
});

describe("multiplexing and lookup", () => {
  it("shares one Manager per origin + path across namespaces and closes the session with the last socket", async () => {
    const a = open("/");
    const b = open("/chat");
    expect(b.io).toBe(a.io);
    await tick();
    expect(ws.instances).toHaveLength(1);
    expect(a.connected && b.connected).toBe(true);
    a.disconnect();
    expect(b.io.engine).toBeDefined();
    b.disconnect();
    expect(b.io.engine).toBeUndefined();
    expect(ws.instances[0]!.closed).toBe(true);
  });

  it("uses a new Manager for forceNew, multiplex: false, another path, or a namespace already taken", () => {
    const a = open("/", { autoConnect: false });
    expect(open("/x", { autoConnect: false, forceNew: true }).io).not.toBe(a.io);
    expect(open("/y", { autoConnect: false, multiplex: false }).io).not.toBe(a.io);
    expect(open("/z", { autoConnect: false, path: "/other" }).io).not.toBe(a.io);
    expect(open("/", { autoConnect: false }).io).not.toBe(a.io);
    expect(open("/w", { autoConnect: false }).io).toBe(a.io);
  });

  it("parses URLs like socket.io-client: namespace from the path, query, ws: schemes, relative forms", () => {
    expect(parseUrl("https://example.com:8443/admin?token=1&x=y")).toEqual({
      origin: "https://example.com:8443",
      nsp: "/admin",
      query: { token: "1", x: "y" },
    });
    expect(parseUrl("ws://example.com").origin).toBe("http://example.com");
    expect(parseUrl("wss://example.com/").nsp).toBe("/");
    expect(parseUrl("localhost:3000/chat", undefined)).toMatchObject({ origin: "https://localhost:3000", nsp: "/chat" });
    const loc = "http://page.test:8080/app/index.html?x=1";
    expect(parseUrl("/chat", loc)).toMatchObject({ origin: "http://page.test:8080", nsp: "/chat" });
    expect(parseUrl("//cdn.test/x", loc)).toMatchObject({ origin: "http://cdn.test", nsp: "/x" });
  });

  it("puts the URL's query and the query option on every Engine.IO request", async () => {
    open("/?a=1", { query: { b: 2 } });
    await tick();
    expect(ws.instances[0]!.query).toEqual({ a: "1", b: "2", EIO: "4" });
  });

  it("normalizes the path option", () => {
    expect(new Manager("http://x.test/ignored", { transports: [], path: "engine" }).uri).toBe("http://x.test/engine/");
  });
});

describe("transport insight", () => {
  it("reports transport, upgrade and the current transport name", async () => {
    const poll = fakeFactory("polling", POLLING);
    poll.onOpen = (t) => queueMicrotask(() => t.handshake({ upgrades: ["websocket"] }));
    ws = fakeFactory("websocket", DUPLEX);
    const m = new Manager("http://up.test", { transports: [ws, poll], strategy: ranked, autoConnect: false });
    const log: unknown[] = [];
    m.on("transport", (e) => log.push(["transport", e]));
    m.on("upgrade", (e) => log.push(["upgrade", e]));
    m.open();
    await tick();
    expect(m.transport).toBe("polling");
    const c = ws.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.deliver({ type: "pong", data: "probe" });
    poll.instances[0]!.pausedCb!();
    expect(m.transport).toBe("websocket");
    expect(log).toEqual([
      ["transport", { name: "polling", previous: null, reason: "handshake" }],
      ["upgrade", { name: "websocket", previous: "polling" }],
      ["transport", { name: "websocket", previous: "polling", reason: "upgrade" }],
    ]);
    m._close();
  });

  it("forwards upgradeError", async () => {
    const poll = fakeFactory("polling", POLLING);
    poll.onOpen = (t) => queueMicrotask(() => t.handshake({ upgrades: ["websocket"] }));
    const m = new Manager("http://up2.test", { transports: [ws, poll], strategy: ranked });
    const errors: unknown[] = [];
    m.on("upgradeError", (e) => errors.push(e));
    m.open();
    await tick();
    ws.instances[0]!.fail("blocked");
    expect(errors).toEqual([{ name: "websocket", error: expect.any(TransportError) }]);
    m._close();
  });

  it("ranking() lists every transport with its probe result", () => {
    const poll = fakeFactory("polling", POLLING);
    poll.supported = false;
    const m = new Manager("http://r.test", { transports: [ws, poll], strategy: ranked });
    expect(m.ranking()).toEqual([
      { name: "websocket", supported: true, reason: "fake: supported", score: 120, last: null, rttMs: null },
      { name: "polling", supported: false, reason: "fake: unsupported", score: 0, last: null, rttMs: null },
    ]);
  });

  it("ranking() without a strategy: the given order, supported first, nothing remembered", () => {
    const poll = fakeFactory("polling", POLLING);
    const x = fakeFactory("xhr-multipart", POLLING);
    x.supported = false;
    const m = new Manager("http://r2.test", { transports: [x, ws, poll] });
    expect(m.ranking().map((r) => [r.name, r.supported, r.score > 0, r.last, r.rttMs])).toEqual([
      ["websocket", true, true, null, null],
      ["polling", true, true, null, null],
      ["xhr-multipart", false, false, null, null],
    ]);
    expect(m.ranking()[0]!.score).toBeGreaterThan(m.ranking()[1]!.score);
  });
});

// The Engine.IO session against fake transports: handshake and fallback, heartbeat, write buffer, upgrade.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Engine, HANDSHAKE_DEADLINE_MS, type EngineHandler } from "../src/engine.js";
import { ProtocolError, TimeoutError, TransportError } from "../src/errors.js";
import { ranked } from "../src/transport-strategy.js";
import { DUPLEX, POLLING, fakeFactory, type FakeFactory } from "./helpers/fake-transport.js";

type Call = [string, ...unknown[]];

function recorder(): EngineHandler & { calls: Call[]; names: () => string[] } {
  const calls: Call[] = [];
  const h = {} as EngineHandler & { calls: Call[]; names: () => string[] };
  for (const k of ["onOpen", "onMessage", "onClose"] as const) {
    (h as unknown as Record<string, unknown>)[k] = (...args: unknown[]) => calls.push([k, ...args]);
  }
  // Insight events are recorded flat, as "on" + type with the event's fields: ["onTransport", name, previous, reason].
  h.onEvent = (type, event) => calls.push(["on" + type[0]!.toUpperCase() + type.slice(1), ...Object.values(event)]);
  h.calls = calls;
  h.names = () => calls.map((c) => c[0]);
  return h;
}

let ws: FakeFactory;
let poll: FakeFactory;
let h: ReturnType<typeof recorder>;
const BASE = "http://example.test/socket.io/";

beforeEach(() => {
  vi.useFakeTimers();
  ws = fakeFactory("websocket", DUPLEX);
  poll = fakeFactory("polling", POLLING);
  h = recorder();
});
afterEach(() => {
  vi.useRealTimers();
});

/** An Engine with the ranking strategy (handshake on the dependable transport, then upgrades), nothing stored. */
function openEngine(transports = [ws, poll], query?: Record<string, string>): Engine {
  const strategy = ranked(BASE, { transports, rememberTransport: false });
  const e = strategy.session(BASE, { transports, query }, h);
  e.open();
  return e;
}

describe("without a strategy", () => {
  const plain = (transports = [ws, poll]) => {
    const e = new Engine(BASE, { transports }, h);
    e.open();
    return e;
  };

  it("handshakes on the first supported transport in the given order and never upgrades", () => {
    const e = plain();
    expect(poll.instances).toHaveLength(0);
    ws.instances[0]!.handshake({ sid: "s", upgrades: ["websocket"] });
    expect(e.transport?.name).toBe("websocket");
    const p = plain([poll, ws]);
    poll.instances[0]!.handshake({ sid: "s2", upgrades: ["websocket"] });
    vi.advanceTimersByTime(HANDSHAKE_DEADLINE_MS);
    expect(p.transport?.name).toBe("polling");
    expect(ws.instances).toHaveLength(1); // only the first engine's
    expect(h.names()).not.toContain("onUpgrade");
  });

  it("skips unsupported transports and falls back to the next on failure", () => {
    ws.supported = false;
    const x = fakeFactory("xhr-multipart", POLLING);
    const e = plain([ws, x, poll]);
    expect(ws.instances).toHaveLength(0);
    x.instances[0]!.fail("refused");
    poll.instances[0]!.handshake();
    expect(e.readyState).toBe("open");
    expect(h.calls[0]).toEqual(["onTransport", "polling", null, "handshake"]);
  });

  it("fails a handshake answered with anything but the open packet, and moves on", () => {
    plain();
    const w = ws.instances[0]!;
    w.deliver({ type: "message", data: "hello" });
    expect(w.closed).toBe(true);
    expect(poll.instances).toHaveLength(1);
    poll.instances[0]!.deliver({ type: "ping" });
    expect(poll.instances[0]!.closed).toBe(true);
    return Promise.resolve().then(() => {
      const [reason, error] = h.calls.find((c) => c[0] === "onClose")!.slice(1) as [string, TransportError];
      expect(reason).toBe("transport error");
      expect(error.errors!.map((e) => e.message)).toEqual(["websocket: message before the open packet", "polling: ping before the open packet"]);
      expect(error.errors![0]!.cause).toBeInstanceOf(ProtocolError);
    });
  });

  it("moves on from a silent handshake after HANDSHAKE_DEADLINE_MS", () => {
    plain();
    vi.advanceTimersByTime(HANDSHAKE_DEADLINE_MS - 1);
    expect(poll.instances).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(ws.instances[0]!.closed).toBe(true);
    expect(poll.instances).toHaveLength(1);
  });
});

describe("handshake", () => {
  it("handshakes on polling, reports the transport, then carries the sid in every later query", () => {
    const e = openEngine([ws, poll], { token: "t" });
    expect(ws.instances).toHaveLength(0);
    const p = poll.instances[0]!;
    expect(p.query).toEqual({ token: "t", EIO: "4" });
    p.handshake({ sid: "abc", upgrades: [] });
    expect(e.readyState).toBe("open");
    expect(e.id).toBe("abc");
    expect(h.calls.slice(0, 2)).toEqual([["onTransport", "polling", null, "handshake"], ["onOpen"]]);
    expect(p.ctx.query()).toEqual({ token: "t", EIO: "4", sid: "abc" });
    expect(p.ctx.maxPayload()).toBe(1e6);
  });

  it("moves to the next candidate at once when the handshake transport fails", () => {
    openEngine();
    poll.instances[0]!.fail("refused");
    expect(ws.instances).toHaveLength(1); // no timer needed
    expect(ws.instances[0]!.opened).toBe(true);
    ws.instances[0]!.handshake();
    expect(h.calls[0]).toEqual(["onTransport", "websocket", null, "handshake"]);
  });

  it("moves on from a handshake that hangs, after HANDSHAKE_DEADLINE_MS, when another candidate remains", () => {
    const e = openEngine();
    vi.advanceTimersByTime(HANDSHAKE_DEADLINE_MS - 1);
    expect(ws.instances).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(poll.instances[0]!.closed).toBe(true);
    expect(ws.instances).toHaveLength(1);
    ws.instances[0]!.handshake();
    expect(e.readyState).toBe("open");
    expect(vi.getTimerCount()).toBe(1); // the heartbeat only
  });

  it("leaves the last candidate to the connect timeout", () => {
    openEngine([ws]);
    vi.advanceTimersByTime(19_999);
    expect(ws.instances[0]!.closed).toBe(false);
    expect(h.calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(ws.instances[0]!.closed).toBe(true);
    const [name, reason, error] = h.calls.at(-1)!;
    expect([name, reason]).toEqual(["onClose", "timeout"]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("connect timeout");
  });

  it("ends a handshake at the connect timeout even when a fallback remains", () => {
    const e = new Engine(BASE, { transports: [poll, ws], timeout: 5000 }, h);
    e.open();
    vi.advanceTimersByTime(5000);
    expect(poll.instances[0]!.closed).toBe(true);
    expect(ws.instances).toHaveLength(0);
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "timeout"]);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("fails with one TransportError carrying every attempt when all transports fail", async () => {
    openEngine();
    poll.instances[0]!.fail("refused 1");
    ws.instances[0]!.fail("refused 2");
    await Promise.resolve();
    const [name, reason, error] = h.calls.at(-1)!;
    expect([name, reason]).toEqual(["onClose", "transport error"]);
    expect(error).toBeInstanceOf(TransportError);
    expect((error as TransportError).message).toMatch(/no transport worked \(polling: refused 1; websocket: refused 2\)/);
    expect((error as TransportError).errors!.map((x) => x.transport)).toEqual(["polling", "websocket"]);
    expect(((error as TransportError).errors![0]!.cause as Error).message).toBe("refused 1");
  });

  it("explains an environment where nothing is supported, after open() returned", async () => {
    ws.supported = poll.supported = false;
    openEngine();
    expect(h.calls).toEqual([]);
    await Promise.resolve();
    const error = h.calls.at(-1)![2] as TransportError;
    expect(error.message).toBe("no transport worked (websocket: fake: unsupported; polling: fake: unsupported)");
  });

  it("ignores a second open packet (packets before the first fail the attempt: see 'without a strategy')", () => {
    const e = openEngine([ws]);
    const t = ws.instances[0]!;
    t.writable = true;
    t.ctx.sink.onOpen();
    expect(h.calls).toEqual([]);
    t.deliver({ type: "open", data: JSON.stringify({ sid: "a", upgrades: [], pingInterval: 100, pingTimeout: 100 }) });
    t.deliver({ type: "open", data: JSON.stringify({ sid: "b", upgrades: [], pingInterval: 100, pingTimeout: 100 }) });
    expect(e.id).toBe("a");
    expect(h.names()).toEqual(["onTransport", "onOpen"]);
  });

  it("rejects a malformed open packet with a ProtocolError", () => {
    openEngine([ws]);
    const t = ws.instances[0]!;
    t.writable = true;
    t.ctx.sink.onOpen();
    t.deliver({ type: "open", data: "{not json" });
    const [name, reason, error] = h.calls.at(-1)!;
    expect([name, reason]).toEqual(["onClose", "parse error"]);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/bad open packet/);
    expect(t.closed).toBe(true);
  });
});

describe("heartbeat", () => {
  it("answers ping with pong and closes after pingInterval + pingTimeout of silence", () => {
    const e = openEngine([ws]);
    ws.instances[0]!.handshake({ pingInterval: 1000, pingTimeout: 500 });
    vi.advanceTimersByTime(1400);
    ws.instances[0]!.deliver({ type: "ping" });
    expect(ws.instances[0]!.sent.flat()).toContainEqual({ type: "pong" });
    vi.advanceTimersByTime(1400); // 2800 since open, 1400 since the ping: alive
    expect(e.readyState).toBe("open");
    vi.advanceTimersByTime(200);
    expect(e.readyState).toBe("closed");
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "ping timeout"]);
    expect(ws.instances[0]!.closed).toBe(true);
  });

  it("closes when the heartbeat timer fires even if the wall clock was set back meanwhile", () => {
    const e = openEngine([ws]);
    ws.instances[0]!.handshake({ pingInterval: 1000, pingTimeout: 500 });
    // Date.now() now lags the timers by a minute (as after a clock correction, or Node's timer firing ~1 ms early).
    vi.setSystemTime(Date.now() - 60_000);
    vi.advanceTimersByTime(1500);
    expect(e.readyState).toBe("closed");
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "ping timeout"]);
    expect(ws.instances[0]!.closed).toBe(true);
  });

  it("checks the deadline right before sending, even if the timer has not fired (throttled tab)", () => {
    const e = openEngine([ws]);
    ws.instances[0]!.handshake({ pingInterval: 1000, pingTimeout: 500 });
    expect(e.alive()).toBe(true);
    vi.setSystemTime(Date.now() + 1501); // the clock moved, the timer did not run
    expect(e.alive()).toBe(false);
    expect(e.readyState).toBe("closed");
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "ping timeout"]);
  });
});

describe("write buffer", () => {
  it("batches half-duplex writes into maxPayload-sized requests, in order", () => {
    const e = openEngine([poll]);
    const t = poll.instances[0]!;
    t.handshake({ maxPayload: 100 });
    t.holdWrites = true;
    e.send("x".repeat(10)); // goes at once
    for (let i = 0; i < 10; i++) e.send(String(i).repeat(30)); // 32 bytes each with type and separator
    while (!t.writable || t.sent.length < 5) {
      if (!t.writable) t.drain();
      else break;
    }
    const batches = t.sent.map((b) => b.map((p) => p.data as string));
    expect(batches[0]).toEqual(["x".repeat(10)]);
    expect(batches.slice(1).map((b) => b.length)).toEqual([3, 3, 3, 1]);
    expect(batches.flat().slice(1)).toEqual([...Array(10).keys()].map((i) => String(i).repeat(30)));
  });

  it("counts UTF-8 bytes, not UTF-16 units, against maxPayload", () => {
    const e = openEngine([poll]);
    const t = poll.instances[0]!;
    t.handshake({ maxPayload: 50 });
    t.holdWrites = true;
    e.send("first");
    e.send("é".repeat(20)); // 40 bytes + 2
    e.send("😀".repeat(5)); // 20 bytes + 2: 64 > 50 with the previous one
    t.drain();
    t.drain();
    expect(t.sent.map((b) => b.length)).toEqual([1, 1, 1]);
  });

  it("reads Blobs into ArrayBuffers for text transports without reordering later packets", async () => {
    const e = openEngine([poll]);
    const t = poll.instances[0]!;
    t.handshake();
    e.send("before");
    t.holdWrites = true;
    t.drain();
    t.holdWrites = false;
    e.send(new Blob([new Uint8Array([1, 2, 3])]));
    e.send("after");
    expect(t.sent).toHaveLength(1);
    await vi.waitFor(() => expect(t.sent.length).toBe(2));
    const [bin, after] = t.sent[1]!.map((p) => p.data);
    expect(bin).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(bin as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(after).toBe("after");
  });

  it("passes Blobs through untouched on binary transports", () => {
    const e = openEngine([ws]);
    ws.instances[0]!.handshake();
    const blob = new Blob(["x"]);
    e.send(blob);
    expect(ws.instances[0]!.messages()).toEqual([blob]);
  });

  it("closing on purpose writes the close packet, then releases the transport once drained", () => {
    const e = openEngine([poll]);
    const t = poll.instances[0]!;
    t.handshake();
    t.holdWrites = true;
    e.send("pending");
    e.send("queued");
    e.close();
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "forced close"]);
    expect(t.closed).toBe(false);
    t.drain();
    expect(t.sent[1]).toEqual([{ type: "message", data: "queued" }, { type: "close" }]);
    t.drain();
    expect(t.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("does not wait forever for a transport that never drains", () => {
    const e = openEngine([poll]);
    const t = poll.instances[0]!;
    t.handshake();
    t.holdWrites = true;
    e.send("stuck");
    e.close();
    vi.advanceTimersByTime(1000);
    expect(t.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe("upgrade", () => {
  function openOnPolling(): Engine {
    const e = openEngine([ws, poll]);
    poll.instances[0]!.handshake({ sid: "S", upgrades: ["websocket"] });
    return e;
  }

  it("probes with the same sid, pauses polling, sends 5, switches and flushes", () => {
    const e = openOnPolling();
    const p = poll.instances[0]!;
    const c = ws.instances[0]!;
    expect(c.query).toEqual({ EIO: "4", sid: "S" });
    c.writable = true;
    c.ctx.sink.onOpen();
    expect(c.sent).toEqual([[{ type: "ping", data: "probe" }]]);
    c.deliver({ type: "pong", data: "probe" });
    expect(p.pausedCb).toBeTypeOf("function");
    e.send("during pause"); // held until the switch
    expect(p.sent).toHaveLength(0);
    p.deliver({ type: "message", data: "late poll data" }); // the pending GET may still bring data
    p.pausedCb!();
    expect(c.sent.slice(1).flat()).toEqual([{ type: "upgrade" }, { type: "message", data: "during pause" }]);
    expect(p.closed).toBe(true);
    expect(e.transport).toBe(c);
    expect(h.calls).toContainEqual(["onMessage", "late poll data"]);
    expect(h.calls.slice(-2)).toEqual([["onUpgrade", "websocket", "polling"], ["onTransport", "websocket", "polling", "upgrade"]]);
    expect(vi.getTimerCount()).toBe(1); // the heartbeat only: the probe deadline is gone
  });

  it("probe timeout: drops the candidate, stays on polling, reports a TimeoutError", () => {
    const e = openOnPolling();
    const c = ws.instances[0]!;
    vi.advanceTimersByTime(10_000);
    expect(c.closed).toBe(true);
    const [name, tname, error] = h.calls.at(-1)!;
    expect([name, tname]).toEqual(["onUpgradeError", "websocket"]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toBe("upgrade: no 3probe");
    expect(e.transport).toBe(poll.instances[0]);
    e.send("still works");
    expect(poll.instances[0]!.messages()).toEqual(["still works"]);
  });

  it("probe answered wrong: drops the candidate and says what came instead", () => {
    const e = openOnPolling();
    const c = ws.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.deliver({ type: "message", data: "hello" });
    expect(c.closed).toBe(true);
    const error = h.calls.at(-1)![2] as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe("upgrade: expected 3probe, got message");
    expect(e.transport).toBe(poll.instances[0]);
    expect(poll.instances[0]!.pausedCb).toBeUndefined();
    expect(vi.getTimerCount()).toBe(1);
  });

  it("transport error mid-probe: reports it with the cause and stays", () => {
    const e = openOnPolling();
    const c = ws.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.fail("reset by peer");
    const error = h.calls.at(-1)![2] as TransportError;
    expect(h.calls.at(-1)![0]).toBe("onUpgradeError");
    expect((error.cause as Error).message).toBe("reset by peer");
    expect(e.readyState).toBe("open");
    expect(e.transport).toBe(poll.instances[0]);
  });

  it("tries the next candidate after a failed one", () => {
    const xm = fakeFactory("xhr-multipart", { ...POLLING, streaming: true, handshake: false });
    const e = openEngine([ws, xm, poll]);
    poll.instances[0]!.handshake({ upgrades: ["websocket", "xhr-multipart"] });
    expect(xm.instances).toHaveLength(0);
    ws.instances[0]!.fail("no ws");
    expect(xm.instances).toHaveLength(1);
    const c = xm.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.deliver({ type: "pong", data: "probe" });
    poll.instances[0]!.pausedCb!();
    expect(e.transport).toBe(c);
  });

  it("a candidate failing while polling pauses ends the session (nothing to resume on)", () => {
    const e = openOnPolling();
    const c = ws.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.deliver({ type: "pong", data: "probe" });
    c.fail("dropped");
    expect(e.readyState).toBe("closed");
    expect(h.calls.at(-1)!.slice(0, 2)).toEqual(["onClose", "transport error"]);
    expect(poll.instances[0]!.closed).toBe(true);
  });

  it("closing the session while polling pauses writes what was held, then the close packet, on polling", () => {
    const e = openOnPolling();
    const p = poll.instances[0]!;
    const c = ws.instances[0]!;
    c.writable = true;
    c.ctx.sink.onOpen();
    c.deliver({ type: "pong", data: "probe" });
    e.send("held");
    p.holdWrites = true;
    e.close();
    expect(c.closed).toBe(true);
    expect(p.sent).toEqual([[{ type: "message", data: "held" }, { type: "close" }]]);
    p.pausedCb!(); // the pause completing late switches nothing
    expect(c.sent.flat()).toEqual([{ type: "ping", data: "probe" }]);
    p.drain();
    expect(p.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("closing the session during a probe closes the candidate and clears every timer", () => {
    const e = openOnPolling();
    e.close();
    poll.instances[0]!.drain();
    expect(ws.instances[0]!.closed).toBe(true);
    expect(poll.instances[0]!.closed).toBe(true);
    expect(vi.getTimerCount()).toBe(0);
  });
});

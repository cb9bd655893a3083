// The session following the strategy: outcomes recorded into memory (handshake ok/failed/timeout, upgrade
// ok/timeout/buffered/failed, repeated deaths), the remembered best transport opened directly with a fallback,
// ranked-down transports not probed, and failures of a fully unreachable server not held against transports.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Engine, EngineHandler } from "../src/engine.js";
import { ranked, type TransportStrategy } from "../src/transport-strategy.js";
import { createTransportMemory, type TransportMemory } from "../src/transport-memory.js";
import { DUPLEX, POLLING, fakeFactory, type FakeFactory } from "./helpers/fake-transport.js";

const BASE = "http://strategy.test/socket.io/";
/** The memory key: the endpoint (origin + path). */
const KEY = BASE;
const quiet = (): EngineHandler => ({ onOpen() {}, onMessage() {}, onClose() {}, onEvent() {} });

let ws: FakeFactory;
let xm: FakeFactory;
let poll: FakeFactory;
let memory: TransportMemory;
let strategy: TransportStrategy;

beforeEach(() => {
  vi.useFakeTimers();
  ws = fakeFactory("websocket", DUPLEX);
  xm = fakeFactory("xhr-multipart", { ...POLLING, streaming: true });
  poll = fakeFactory("polling", POLLING);
  memory = createTransportMemory({ storage: null });
  strategy = ranked(BASE, { transports: [ws, xm, poll], memory });
});
afterEach(() => vi.useRealTimers());

function open(h: EngineHandler = quiet()): Engine {
  const e = strategy.session(BASE, { transports: [ws, xm, poll] }, h);
  e.open();
  return e;
}
const last = () => Object.fromEntries(Object.entries(memory.get(KEY)).map(([k, r]) => [k, r!.last]));
function answerProbe(f: FakeFactory, i = f.instances.length - 1) {
  const c = f.instances[i]!;
  c.writable = true;
  c.ctx.sink.onOpen();
  c.deliver({ type: "pong", data: "probe" });
}

describe("outcomes", () => {
  it("records the handshake (with RTT) and a successful upgrade", () => {
    const e = open();
    vi.advanceTimersByTime(40);
    poll.instances[0]!.handshake({ upgrades: ["websocket", "xhr-multipart"] });
    expect(memory.get(KEY).polling).toMatchObject({ last: "ok", rttMs: 40 });
    answerProbe(ws);
    poll.instances[0]!.pausedCb!();
    expect(e.transport!.name).toBe("websocket");
    expect(last()).toEqual({ polling: "ok", websocket: "ok" });
  });

  it("a streaming probe that misses its deadline is 'buffered', a duplex one 'timeout'; neither is probed again", () => {
    open();
    poll.instances[0]!.handshake({ upgrades: ["websocket", "xhr-multipart"] });
    vi.advanceTimersByTime(2000); // websocket's probe deadline (the 2 s floor)
    vi.advanceTimersByTime(2000); // then xhr-multipart's
    expect(last()).toEqual({ polling: "ok", websocket: "timeout", "xhr-multipart": "buffered" });
    const rows = strategy.rank([ws, xm, poll].map(() => ({ supported: true, reason: "fake" })));
    expect(rows.map((r) => r.name)).toEqual(["polling", "websocket", "xhr-multipart"]);
    expect(rows.find((r) => r.name === "xhr-multipart")!.reason).toMatch(/buffered by a proxy/);
    // The next session stays on polling: nothing healthy ranks above it.
    open();
    poll.instances[1]!.handshake({ upgrades: ["websocket", "xhr-multipart"] });
    expect(ws.instances).toHaveLength(1);
    expect(xm.instances).toHaveLength(1);
  });

  it("a probe answered wrong or a candidate dying is 'failed'", () => {
    open();
    poll.instances[0]!.handshake({ upgrades: ["websocket"] });
    ws.instances[0]!.fail("403");
    expect(last().websocket).toBe("failed");
  });

  it("handshake failures count only when another transport then opened the session", async () => {
    const closes: unknown[] = [];
    open({ ...quiet(), onClose: (r, e) => closes.push([r, e]) });
    poll.instances[0]!.fail("refused");
    xm.instances[0]!.fail("refused");
    ws.instances[0]!.fail("refused");
    await Promise.resolve();
    expect(closes).toHaveLength(1);
    expect(last()).toEqual({}); // the server was down: no transport is to blame
    open();
    poll.instances[1]!.fail("502");
    xm.instances[1]!.handshake();
    expect(last()).toEqual({ polling: "failed", "xhr-multipart": "ok" });
  });
});

describe("memory drives the next connection", () => {
  it("opens directly on the remembered best transport, and falls back to polling at its probe deadline", () => {
    memory.record(KEY, "websocket", "ok", 2);
    const e = open();
    expect(ws.instances).toHaveLength(1);
    expect(poll.instances).toHaveLength(0);
    vi.advanceTimersByTime(1999);
    expect(poll.instances).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(ws.instances[0]!.closed).toBe(true);
    poll.instances[0]!.handshake({ upgrades: ["websocket"] });
    expect(e.transport!.name).toBe("polling");
    expect(last().websocket).toBe("timeout");
    expect(ws.instances).toHaveLength(1); // just timed out: not probed again as an upgrade
  });

  it("a remembered stream whose open packet never comes is 'buffered'", () => {
    memory.record(KEY, "xhr-multipart", "ok", 2);
    open();
    expect(xm.instances).toHaveLength(1);
    vi.advanceTimersByTime(2000);
    poll.instances[0]!.handshake();
    expect(last()["xhr-multipart"]).toBe("buffered");
  });

  it("rememberTransport: false never touches localStorage; otherwise outcomes land there", () => {
    const store = new Map<string, string>();
    const localStorage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    };
    const global = { localStorage } as unknown as typeof globalThis;
    const off = ranked(BASE, { transports: [ws, poll], rememberTransport: false, global });
    off.session(BASE, { transports: [ws, poll] }, quiet()).open();
    poll.instances[0]!.handshake();
    expect(store.size).toBe(0);
    const probes = [ws, poll].map(() => ({ supported: true, reason: "fake" }));
    expect(off.rank(probes).find((r) => r.name === "polling")).toMatchObject({ last: "ok" }); // still known to this Manager
    const on = ranked(BASE, { transports: [ws, poll], global });
    on.session(BASE, { transports: [ws, poll] }, quiet()).open();
    poll.instances[1]!.handshake();
    expect(JSON.parse(store.get("omnio:transports:v1")!).origins[0].key).toBe(BASE);
  });

  it("a transport that dies twice in a Manager's life is ranked down for its next session and remembered", () => {
    open();
    poll.instances[0]!.handshake({ upgrades: ["websocket"] });
    answerProbe(ws);
    poll.instances[0]!.pausedCb!();
    ws.instances[0]!.fail("cut");
    expect(strategy.sessionFailures).toEqual({ websocket: 1 });
    open(); // one death: websocket worked, so the next session opens on it directly
    expect(ws.instances).toHaveLength(2);
    expect(poll.instances).toHaveLength(1);
    ws.instances[1]!.handshake();
    ws.instances[1]!.fail("cut");
    expect(strategy.sessionFailures).toEqual({ websocket: 2 });
    const row = strategy.rank([ws, xm, poll].map(() => ({ supported: true, reason: "fake" }))).find((r) => r.name === "websocket")!;
    expect(row).toMatchObject({ last: "failed", reason: "died 2 times this session" });
    open();
    expect(poll.instances).toHaveLength(2); // not opened directly on websocket despite its earlier "ok"
    poll.instances[1]!.handshake({ upgrades: ["websocket", "xhr-multipart"] });
    expect(ws.instances).toHaveLength(2); // no third websocket
    expect(xm.instances).toHaveLength(1); // xhr-multipart is probed instead
  });

  it("a ping timeout counts as a death", () => {
    const e = open();
    poll.instances[0]!.handshake({ pingInterval: 100, pingTimeout: 100 });
    vi.advanceTimersByTime(201);
    expect(e.readyState).toBe("closed");
    expect(strategy.sessionFailures).toEqual({ polling: 1 });
  });
});

// Socket semantics over a fake transport that plays a socket.io server: emits, buffering, volatile, acks,
// timeouts, retries, reserved names, server packets.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connect, OmnioError, TimeoutError, type ConnectOptions, type Socket } from "../src/index.js";
import { DUPLEX, autoServer, fakeFactory, type FakeFactory } from "./helpers/fake-transport.js";

let ws: FakeFactory;
let server: { frames: string[] };
const sockets: Socket[] = [];

function open(opts: Partial<ConnectOptions> = {}, url = "http://example.test"): Socket {
  const s = connect(url, { transports: [ws], forceNew: true, ...opts });
  sockets.push(s);
  return s;
}
const tick = () => vi.advanceTimersByTimeAsync(0);
const transport = () => ws.instances.at(-1)!;
/** Server → client Socket.IO frame. */
const push = (data: string) => transport().deliver({ type: "message", data });
const events = () => server.frames.filter((f) => f[0] === "2");

beforeEach(() => {
  vi.useFakeTimers();
  ws = fakeFactory("websocket", DUPLEX);
  server = autoServer(ws);
});
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
  vi.useRealTimers();
});

describe("emit", () => {
  it("refuses reserved event names, naming them", () => {
    const s = open({ autoConnect: false });
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      expect(() => (s.emit as (ev: string) => void)(name)).toThrow(new RegExp(`reserved event name "${name}"`, "i"));
    }
    expect(() => s.emit("connect" as string)).toThrow(OmnioError);
  });

  it("buffers emits while disconnected and sends them in order after connect", async () => {
    const s = open({ autoConnect: false });
    s.emit("a", 1);
    s.emit("b", { x: 2 });
    s.emit("c");
    expect(s.sendBuffer).toHaveLength(3);
    s.connect();
    await tick();
    expect(s.connected).toBe(true);
    expect(events()).toEqual(['2["a",1]', '2["b",{"x":2}]', '2["c"]']);
    expect(s.sendBuffer).toHaveLength(0);
  });

  it("drops volatile emits that can't be written now, sends them when they can", async () => {
    const s = open({ autoConnect: false });
    s.volatile.emit("dropped");
    expect(s.sendBuffer).toHaveLength(0);
    s.connect();
    await tick();
    s.volatile.emit("sent");
    transport().writable = false; // busy
    s.volatile.emit("dropped too");
    s.emit("kept"); // non-volatile waits in the session's buffer
    transport().drain();
    expect(events()).toEqual(['2["sent"]', '2["kept"]']);
  });

  it("notifies outgoing listeners when a packet is written", async () => {
    const s = open({ autoConnect: false });
    const out: unknown[][] = [];
    const fn = (...a: unknown[]) => out.push(a);
    s.onAnyOutgoing(fn);
    s.emit("buffered", 1);
    s.connect();
    await tick();
    s.emit("live", 2);
    s.offAnyOutgoing(fn);
    s.emit("silent");
    expect(out).toEqual([["buffered", 1], ["live", 2]]);
  });
  it("an emit that finds the session silently dead is buffered with its ack and delivered after reconnect", async () => {
    const s = open({ reconnectionDelay: 10, randomizationFactor: 0 });
    await tick();
    const cb = vi.fn();
    vi.setSystemTime(Date.now() + 45_001); // pingInterval + pingTimeout passed, the heartbeat timer did not run
    s.emit("late", cb);
    expect(s.connected).toBe(false);
    expect(s.sendBuffer).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(10);
    await tick();
    expect(s.connected).toBe(true);
    expect(events()).toEqual(['20["late"]']);
    push('30["ok"]');
    expect(cb).toHaveBeenCalledWith("ok");
  });
});

describe("receive", () => {
  it("dispatches events with several arguments; onAny/prependAny run first, in order", async () => {
    const s = open();
    await tick();
    const log: string[] = [];
    s.onAny((ev) => log.push("any:" + ev));
    s.prependAny((ev) => log.push("first:" + ev));
    s.on("news", (a: number, b: string) => log.push(`news:${a}:${b}`));
    push('2["news",1,"x"]');
    expect(log).toEqual(["first:news", "any:news", "news:1:x"]);
    s.offAny();
    push('2["news",2,"y"]');
    expect(log.at(-1)).toBe("news:2:y");
    expect(log).toHaveLength(4);
  });

  it("catch-all listeners never mix with events named like their storage keys", async () => {
    const s = open();
    await tick();
    const log: string[] = [];
    s.onAny((ev) => log.push("any:" + ev));
    s.onAnyOutgoing((ev) => log.push("out:" + ev));
    s.on("0", () => log.push("on:0"));
    s.on("1", () => log.push("on:1"));
    push('2["0"]');
    push('2["1"]');
    s.emit("2");
    expect(log).toEqual(["any:0", "on:0", "any:1", "on:1", "out:2"]);
    s.off("0");
    s.off("1");
    push('2["0"]');
    expect(log.at(-1)).toBe("any:0");
  });

  it("off() removes every event listener but keeps the catch-all ones, as socket.io-client does", async () => {
    const s = open();
    await tick();
    const log: string[] = [];
    s.onAny((ev) => log.push("any:" + ev));
    s.onAnyOutgoing((ev) => log.push("out:" + ev));
    s.on("news", () => log.push("news"));
    s.off();
    push('2["news"]');
    s.emit("sent");
    expect(log).toEqual(["any:news", "out:sent"]);
  });

  it("a throwing listener is reported as uncaught, without skipping its neighbours or breaking the session", async () => {
    const s = open();
    await tick();
    const reported: unknown[] = [];
    vi.stubGlobal("reportError", (e: unknown) => reported.push(e));
    try {
      const after = vi.fn();
      s.on("e", () => {
        throw new Error("listener bug");
      });
      s.on("e", after);
      s.onAny(() => {
        throw new Error("any bug");
      });
      expect(() => push('2["e"]')).not.toThrow();
      expect(after).toHaveBeenCalledTimes(1);
      expect(reported.map((e) => (e as Error).message)).toEqual(["any bug", "listener bug"]);
      s.offAny();
      push('2["e"]');
      expect(reported.map((e) => (e as Error).message)).toEqual(["any bug", "listener bug", "listener bug"]);
      expect(after).toHaveBeenCalledTimes(2);
      expect(s.connected).toBe(true);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it("answers a server ack once, with the packet's id and namespace", async () => {
    const s = open({}, "http://example.test/chat");
    await tick();
    s.on("q", (n: number, cb: (r: number) => void) => {
      cb(n * 2);
      cb(0); // ignored
    });
    push('2/chat,7["q",21]');
    expect(server.frames.filter((f) => f[0] === "3")).toEqual(['3/chat,7[42]']);
  });

  it("once listeners fire once and can be removed with off()", async () => {
    const s = open();
    await tick();
    const a = vi.fn();
    const b = vi.fn();
    s.once("e", a);
    s.once("e", b);
    s.off("e", b);
    push('2["e"]');
    push('2["e"]');
    expect(a).toHaveBeenCalledTimes(1);
    expect(b).not.toHaveBeenCalled();
  });

  it("turns CONNECT_ERROR into connect_error with message and data, and stays inactive", async () => {
    ws = fakeFactory("websocket", DUPLEX);
    server = autoServer(ws, { reject: { "/admin": { message: "Not authorized", data: { code: 7 } } } });
    const s = open({}, "http://example.test/admin");
    const errors: Array<Error & { data?: unknown }> = [];
    s.on("connect_error", (e) => errors.push(e));
    await tick();
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toBe("Not authorized");
    expect(errors[0]!.data).toEqual({ code: 7 });
    expect(s.active).toBe(false);
    expect(s.io.engine).toBeUndefined(); // no namespace left on the session
  });

  it("a CONNECT reply without sid is a connect_error (ProtocolError), not a connection", async () => {
    const s = open();
    await tick();
    const b = s.io.socket("/b"); // asks for /b on the open session
    const errors: Error[] = [];
    b.on("connect_error", (e) => errors.push(e));
    push("0/b,{}"); // before the fake server's real answer
    expect(b.connected).toBe(false);
    expect(errors.map((e) => [e.name, e.message])).toEqual([["ProtocolError", "CONNECT without sid"]]);
    b.disconnect();
  });

  it("honours a server-side disconnect: no reconnection", async () => {
    const s = open();
    await tick();
    const reasons: string[] = [];
    s.on("disconnect", (r) => reasons.push(r));
    push("1");
    expect(reasons).toEqual(["io server disconnect"]);
    expect(s.active).toBe(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(ws.instances).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it("sends auth in CONNECT, calling an auth function before each connect", async () => {
    let n = 0;
    open({ auth: (cb) => cb({ token: `t${++n}` }) }, "http://example.test/a");
    await tick();
    expect(server.frames[0]).toBe('0/a,{"token":"t1"}');
  });

  it("a decoding error ends the session instead of throwing", async () => {
    const s = open({ reconnection: false });
    await tick();
    const reasons: string[] = [];
    s.on("disconnect", (r) => reasons.push(r));
    expect(() => push("9garbage")).not.toThrow();
    expect(reasons).toEqual(["parse error"]);
  });
});

describe("acks", () => {
  it("calls the ack with the server's answer", async () => {
    const s = open();
    await tick();
    const cb = vi.fn();
    s.emit("q", 1, cb);
    expect(events()).toEqual(['20["q",1]']);
    push('30["ok",2]');
    expect(cb).toHaveBeenCalledWith("ok", 2);
  });

  it("timeout(ms): error-first callback, TimeoutError when no answer comes", async () => {
    const s = open();
    await tick();
    const late = vi.fn();
    const early = vi.fn();
    s.timeout(100).emit("slow", late);
    s.timeout(100).emit("fast", early);
    push('31["yes"]');
    expect(early).toHaveBeenCalledWith(null, "yes");
    await vi.advanceTimersByTimeAsync(100);
    expect(late).toHaveBeenCalledTimes(1);
    expect(late.mock.calls[0]![0]).toBeInstanceOf(TimeoutError);
    expect((late.mock.calls[0]![0] as Error).message).toMatch(/Ack timeout \(slow\)/);
    push('30["too late"]');
    expect(late).toHaveBeenCalledTimes(1);
  });

  it("emitWithAck resolves with the answer, rejects with TimeoutError under a timeout", async () => {
    const s = open({ ackTimeout: 50 });
    await tick();
    const ok = s.emitWithAck("q");
    push('30[{"v":1}]');
    await expect(ok).resolves.toEqual({ v: 1 });
    const ko = s.emitWithAck("q");
    const settled = expect(ko).rejects.toBeInstanceOf(TimeoutError);
    await vi.advanceTimersByTimeAsync(50);
    await settled;
  });

  it("emitWithAck without a timeout rejects when the socket disconnects before the answer", async () => {
    const s = open();
    await tick();
    const pending = s.emitWithAck("q");
    const settled = expect(pending).rejects.toThrow(/Disconnected \(io client disconnect\)/);
    s.disconnect();
    await settled;
  });

  it("a buffered emit whose ack times out is never sent", async () => {
    const s = open({ autoConnect: false });
    const cb = vi.fn();
    s.timeout(100).emit("x", cb);
    await vi.advanceTimersByTimeAsync(100);
    expect(cb.mock.calls[0]![0]).toBeInstanceOf(TimeoutError);
    s.connect();
    await tick();
    expect(events()).toEqual([]);
  });

  it("error-first acks in flight fail when the socket disconnects; plain ones are dropped", async () => {
    const s = open();
    await tick();
    const withErr = vi.fn();
    const plain = vi.fn();
    s.timeout(10_000).emit("a", withErr);
    s.emit("b", plain);
    s.disconnect();
    expect(withErr.mock.calls[0]![0]).toBeInstanceOf(OmnioError);
    expect(plain).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("retries: one in flight, resent with a fresh id after each ack timeout, error after the last try", async () => {
    const s = open({ ackTimeout: 100, retries: 2 });
    await tick();
    const first = vi.fn();
    const second = vi.fn();
    s.emit("one", first);
    s.emit("two", second);
    expect(events()).toEqual(['20["one"]']); // "two" waits its turn
    await vi.advanceTimersByTimeAsync(100);
    await vi.advanceTimersByTimeAsync(100);
    expect(events()).toEqual(['20["one"]', '21["one"]', '22["one"]']);
    await vi.advanceTimersByTimeAsync(100);
    expect(first.mock.calls[0]![0]).toBeInstanceOf(TimeoutError);
    expect(events().at(-1)).toBe('23["two"]');
    push('30["late answer to try 1"]'); // an old try's answer is ignored
    push('33["done"]');
    expect(second).toHaveBeenCalledWith(null, "done");
  });

  it("retries: at-least-once across a reconnect, in order", async () => {
    const s = open({ ackTimeout: 10_000, retries: 3, reconnectionDelay: 10, randomizationFactor: 0 });
    await tick();
    const cb = vi.fn();
    s.emit("one", cb);
    s.emit("two");
    transport().fail("network down");
    expect(s.connected).toBe(false);
    await vi.advanceTimersByTimeAsync(10);
    await tick();
    expect(s.connected).toBe(true);
    expect(events()).toEqual(['20["one"]', '21["one"]']);
    push('31["ok"]');
    expect(cb).toHaveBeenCalledWith(null, "ok");
    expect(events().at(-1)).toBe('22["two"]');
  });

  it("retries: an emit from an ack callback queues behind, it does not jump ahead or go twice", async () => {
    const s = open({ ackTimeout: 1000, retries: 1 });
    await tick();
    s.emit("one", () => s.emit("two"));
    push('30["ok"]');
    expect(events()).toEqual(['20["one"]', '21["two"]']);
  });
});

describe("typed events (compile-time)", () => {
  interface Listen {
    news: (title: string, n: number) => void;
  }
  interface Emit {
    say: (text: string) => void;
    ask: (q: string, cb: (answer: number) => void) => void;
  }
  it("checks names and arguments", async () => {
    const s = open({ autoConnect: false }) as unknown as Socket<Listen, Emit>;
    s.on("news", (title, n) => void [title.toUpperCase(), n.toFixed()]);
    s.on("connect_error", (err) => void err.message);
    s.emit("say", "hi");
    s.emit("ask", "q", (answer) => void answer.toFixed());
    const answer: Promise<number> = s.emitWithAck("ask", "q");
    s.timeout(5).emit("ask", "q", (err, answer) => void [err, answer]);
    // @ts-expect-error unknown event
    s.emit("nope");
    // @ts-expect-error wrong argument type
    s.emit("say", 42);
    // @ts-expect-error listener with the wrong signature
    s.on("news", (title: number) => void title);
    void answer.catch(() => {});
    expect(s.sendBuffer.length).toBeGreaterThan(0);
  });
});

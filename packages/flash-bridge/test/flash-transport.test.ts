// Unit tests of the flashsocket transport against a scripted bridge double: probe reasons, the contract's events,
// text-only encoding, hostile input from the bridge, failures, and that close() leaves nothing behind.
import { afterEach, describe, expect, it } from "vitest";
import { TransportError, type EnginePacket, type TransportContext, type TransportSink } from "@omnio/client";
import { flashBridge, loadRuffle, type FlashBridge, type FlashBridgeCallbacks, type FlashBridgeEvent } from "../src/index.js";
import { until } from "../../../test/helpers/wait.js";

const g = globalThis as unknown as Record<string, unknown>;
const callbacks = () => g.__omnioFlash as FlashBridgeCallbacks | undefined;

/** A bridge whose sockets the test drives by hand. */
class ScriptedBridge implements FlashBridge {
  calls: unknown[][] = [];
  queue: unknown[] = [];
  throwOn = "";
  setCallerUrl(url: string) { this.calls.push(["setCallerUrl", url]); }
  setDebug(on: boolean) { this.calls.push(["setDebug", on]); }
  loadManualPolicyFile(url: string) { this.calls.push(["loadManualPolicyFile", url]); }
  create(id: number, url: string, protocols: string[], proxyHost: string | null, proxyPort: number, headers: string | null) {
    this.calls.push(["create", id, url, headers]);
    if (this.throwOn === "create") throw new Error("create exploded");
  }
  send(id: number, data: string): number {
    this.calls.push(["send", id, data]);
    return -1;
  }
  close(id: number) { this.calls.push(["close", id]); }
  receiveEvents(): FlashBridgeEvent[] {
    const q = this.queue;
    this.queue = [];
    return q as FlashBridgeEvent[];
  }
  /** Queue events and notify, as the SWF does. */
  emit(...events: unknown[]): boolean | undefined {
    this.queue.push(...events);
    return callbacks()?.__onFlashEvent();
  }
}

function sinkRecorder() {
  const log: Array<[string, ...unknown[]]> = [];
  const sink: TransportSink = {
    onOpen: () => log.push(["open"]),
    onPacket: (p: EnginePacket) => log.push(["packet", p]),
    onDrain: () => log.push(["drain"]),
    onClose: (reason, error) => log.push(["close", reason, error]),
  };
  return { sink, log };
}

function context(sink: TransportSink, extra: Partial<TransportContext> = {}): TransportContext {
  return {
    base: "http://127.0.0.1:1234/socket.io/",
    query: () => ({ EIO: "4" }),
    withCredentials: false,
    maxPayload: () => 1e6,
    global: globalThis,
    sink,
    ...extra,
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));
/** Every wait here is on a scripted bridge in-process: 2 s is generous. */
const DEADLINE = 2000;

afterEach(() => {
  expect(g.__omnioFlash).toBeUndefined(); // every test closed its transports
});

async function opened(bridge = new ScriptedBridge(), extra: Partial<TransportContext> = {}) {
  const { sink, log } = sinkRecorder();
  const t = flashBridge({ bridge }).create(context(sink, extra));
  t.open();
  await until(() => bridge.calls.some((c) => c[0] === "create"), DEADLINE, "create");
  const id = bridge.calls.find((c) => c[0] === "create")![1] as number;
  bridge.emit({ type: "open", webSocketId: id, readyState: 1 });
  await until(() => log.some((l) => l[0] === "open"), DEADLINE, "open");
  return { t, log, bridge, id };
}

describe("flashBridge() probe", () => {
  const env = (global: object, url = "http://h/socket.io/") => ({ url: new URL(url), crossOrigin: false, global: global as typeof globalThis });
  it("explains what it found", () => {
    expect(flashBridge({ bridge: new ScriptedBridge() }).probe(env({}))).toEqual({ supported: true, reason: "bridge given" });
    expect(flashBridge().probe(env({})).reason).toMatch(/no Ruffle/);
    const doc = { document: {} };
    expect(flashBridge().probe(env(doc)).supported).toBe(false);
    expect(flashBridge().probe(env(doc)).reason).toMatch(/no Ruffle/);
    expect(flashBridge().probe(env({ ...doc, RufflePlayer: {} }))).toEqual({ supported: true, reason: "Ruffle" });
    // Ruffle loadable from `ruffle`:
    expect(flashBridge({ ruffle: loadRuffle("/r/") }).probe(env(doc))).toEqual({ supported: true, reason: "Ruffle" });
    // The Flash plugin is not looked for: since 2021 Flash Player refuses to run content.
    const plugin = { ...doc, navigator: { plugins: { "Shockwave Flash": {} } } };
    expect(flashBridge().probe(env(plugin))).toEqual({ supported: false, reason: "no Ruffle" });
    expect(flashBridge({ ruffle: loadRuffle("/r/") }).probe(env(doc, "https://h/socket.io/")).reason).toMatch(/ws:\/\/ only/);
  });
  it("has the flashsocket traits", () => {
    expect(flashBridge().name).toBe("flashsocket");
    const base = { duplex: true, streaming: false, binary: false, crossOrigin: "bridge", handshake: true };
    // Embedding bridge.swf needs a player start, which probe deadlines allow for; a handed-in bridge is ready.
    expect(flashBridge().traits).toEqual({ ...base, startupMs: 6000 });
    expect(flashBridge({ bridge: {} as never }).traits).toEqual({ ...base, startupMs: 0 });
  });
});

describe("FlashSocketTransport", () => {
  it("opens the flashsocket URL, sends URI-encoded text, binary as b<base64>, decodes messages", async () => {
    const { t, log, bridge, id } = await opened(new ScriptedBridge(), { extraHeaders: { "X-A": "1\r\nInjected: yes" } });
    const create = bridge.calls.find((c) => c[0] === "create")!;
    expect(create[2]).toBe("ws://127.0.0.1:1234/socket.io/?EIO=4&transport=flashsocket");
    // No extra headers through the bridge (browsers send none on a WebSocket either).
    expect(create[3]).toBeNull();
    t.send([{ type: "message", data: "é 😀%" }, { type: "message", data: new Uint8Array([1, 2, 3]).buffer }]);
    const sends = bridge.calls.filter((c) => c[0] === "send").map((c) => decodeURIComponent(c[2] as string));
    expect(sends).toEqual(["4é 😀%", "bAQID"]);
    await until(() => log.some((l) => l[0] === "drain"), DEADLINE, "drain");
    bridge.emit({ type: "message", webSocketId: id, readyState: 1, message: encodeURIComponent("4hi ✓") }, { type: "message", webSocketId: id, readyState: 1, message: "bAQID" });
    await until(() => log.filter((l) => l[0] === "packet").length === 2, DEADLINE, "2 packets");
    const packets = log.filter((l) => l[0] === "packet").map((l) => l[1] as EnginePacket);
    expect(packets[0]).toEqual({ type: "message", data: "hi ✓" });
    expect(new Uint8Array(packets[1]!.data as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 3]));
    // A lone surrogate (only a raw Engine.IO message can hold one) cannot be URI-encoded: the transport fails.
    t.send([{ type: "message", data: "x\uD800" }]);
    const [, reason, error] = log.at(-1)!;
    expect(reason).toBe("transport error");
    expect((error as Error).message).toMatch(/^flashsocket send failed: URI malformed/);
    t.close();
    expect(bridge.calls.at(-1)).toEqual(["close", id]);
  });

  it("ignores junk from the bridge and fails cleanly on an undecodable message", async () => {
    const { log, bridge, id } = await opened();
    bridge.emit(null, 5, "x", { type: "nope", webSocketId: id }, { type: "message" }, { type: "message", webSocketId: 999, message: "4x" });
    bridge.queue = [];
    await tick();
    await tick();
    expect(log.filter((l) => l[0] === "packet" || l[0] === "close")).toEqual([]);
    bridge.emit({ type: "message", webSocketId: id, readyState: 1, message: "%E0%A4%A" });
    await until(() => log.some((l) => l[0] === "close"), DEADLINE, "close");
    const [, reason, error] = log.find((l) => l[0] === "close")!;
    expect(reason).toBe("parse error");
    expect(error).toBeInstanceOf(TransportError);
  });

  it("a clean server close is 'transport close' without error; a failed open is a TransportError with the close code", async () => {
    const a = await opened();
    a.bridge.emit({ type: "close", webSocketId: a.id, readyState: 3, code: 1000, reason: "", wasClean: true });
    await until(() => a.log.some((l) => l[0] === "close"), DEADLINE, "close");
    expect(a.log.at(-1)).toEqual(["close", "transport close", undefined]);

    const bridge = new ScriptedBridge();
    const { sink, log } = sinkRecorder();
    const t = flashBridge({ bridge }).create(context(sink));
    t.open();
    await until(() => bridge.calls.some((c) => c[0] === "create"), DEADLINE, "create");
    const id = bridge.calls.find((c) => c[0] === "create")![1];
    bridge.emit({ type: "error", webSocketId: id, readyState: 3 }, { type: "close", webSocketId: id, readyState: 3, code: 1006, reason: "refused", wasClean: false });
    await until(() => log.some((l) => l[0] === "close"), DEADLINE, "close");
    const error = log[0]![2] as TransportError;
    expect(error.message).toBe("flashsocket failed to open (code 1006: refused)");
    expect(error.transport).toBe("flashsocket");
  });

  it("fails on a bridge that throws, and on a second bridge under the same jsObject", async () => {
    const bridge = new ScriptedBridge();
    bridge.throwOn = "create";
    const { sink, log } = sinkRecorder();
    flashBridge({ bridge }).create(context(sink)).open();
    await until(() => log.some((l) => l[0] === "close"), DEADLINE, "close");
    expect((log[0]![2] as Error).message).toMatch(/^flashsocket bridge threw: create exploded/);

    const b = await opened();
    const other = sinkRecorder();
    flashBridge({ bridge: new ScriptedBridge() }).create(context(other.sink)).open();
    await until(() => other.log.some((l) => l[0] === "close"), DEADLINE, "clash");
    expect((other.log[0]![2] as Error).message).toMatch(/^flashsocket window.__omnioFlash in use/);
    b.t.close();
  });

  it("one transport per jsObject at a time (the second is refused, the first keeps its callbacks); ids unique on the page; events after close are dropped", async () => {
    const bridge = new ScriptedBridge();
    const f = flashBridge({ bridge });
    const one = sinkRecorder();
    const two = sinkRecorder();
    const a = f.create(context(one.sink));
    const b = f.create(context(two.sink));
    a.open();
    b.open();
    await until(() => two.log.some((l) => l[0] === "close"), DEADLINE, "the second refused");
    expect((two.log[0]![2] as Error).message).toBe("flashsocket window.__omnioFlash in use");
    await until(() => bridge.calls.some((c) => c[0] === "create"), DEADLINE, "create");
    const first = bridge.calls.find((c) => c[0] === "create")![1] as number;
    expect(bridge.calls.map((c) => c[0])).toEqual(["setCallerUrl", "create"]);
    a.close();
    expect(bridge.calls.at(-1)).toEqual(["close", first]);
    expect(g.__omnioFlash).toBeUndefined();

    // The next transport on the same bridge: a new id, and a late event of the old socket is not its.
    const three = sinkRecorder();
    const c = f.create(context(three.sink));
    c.open();
    await until(() => bridge.calls.filter((c) => c[0] === "create").length === 2, DEADLINE, "second create");
    const next = bridge.calls.filter((c) => c[0] === "create")[1]![1] as number;
    expect(next).not.toBe(first);
    expect(bridge.emit({ type: "close", webSocketId: first, readyState: 3, code: 1000, wasClean: true })).toBe(true);
    await tick();
    await tick();
    expect(one.log).toEqual([]);
    expect(three.log).toEqual([]);
    c.close();
    expect(g.__omnioFlash).toBeUndefined();
  });

  it("close() during open (before the start task, waiting for __onFlashInitialized, before the create) leaves nothing and never reports", async () => {
    // before the start task ran: no callbacks ever, no create
    const early = new ScriptedBridge();
    const one = sinkRecorder();
    const a = flashBridge({ bridge: early }).create(context(one.sink));
    a.open();
    a.close();
    await tick();
    await tick();
    expect(g.__omnioFlash).toBeUndefined();
    expect(early.calls.filter((c) => c[0] === "create")).toEqual([]);

    // a bridge that is not ready yet: the callbacks wait on window, close takes them back
    const waiting = new ScriptedBridge();
    const two = sinkRecorder();
    const b = flashBridge({ bridge: waiting, ready: false }).create(context(two.sink));
    b.open();
    await until(() => callbacks() !== undefined, DEADLINE, "callbacks");
    b.close();
    expect(g.__omnioFlash).toBeUndefined();

    // initialized, the create step not run yet: it never runs
    const late = new ScriptedBridge();
    const three = sinkRecorder();
    const c = flashBridge({ bridge: late, ready: false }).create(context(three.sink));
    c.open();
    await until(() => callbacks() !== undefined, DEADLINE, "callbacks");
    callbacks()!.__onFlashInitialized();
    c.close();
    await tick();
    await tick();
    expect(late.calls.filter((call) => call[0] === "create")).toEqual([]);
    expect([one.log, two.log, three.log]).toEqual([[], [], []]);
  });

  it("does nothing at import time", async () => {
    expect(g.__omnioFlash).toBeUndefined();
    expect(g.RufflePlayer).toBeUndefined();
  });
});

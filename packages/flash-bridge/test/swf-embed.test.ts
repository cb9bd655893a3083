// Embedding bridge.swf, against a small fake page (no DOM library here): the <embed> and its FlashVars, Ruffle's
// config and script, the socket proxy entry, the element taking over as the bridge once it calls back, failures,
// and that close() takes back every node and global it added. The real thing runs in test/browser/flashsocket.
import { describe, expect, it } from "vitest";
import { TransportError, type TransportContext, type TransportSink } from "@omnio/client";
import { flashBridge, loadRuffle, type FlashBridgeCallbacks, type FlashBridgeOptions } from "../src/index.js";
import { until } from "../../../test/helpers/wait.js";

class FakeElement {
  attributes: Record<string, string> = {};
  src = "";
  onload: (() => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  constructor(
    readonly tag: string,
    private readonly page: FakePage,
  ) {}
  setAttribute(name: string, value: string) {
    this.attributes[name] = value;
  }
  remove() {
    this.page.nodes.delete(this);
  }
}

class FakePage {
  nodes = new Set<FakeElement>();
  readonly document = {
    body: { appendChild: (node: FakeElement) => this.nodes.add(node) },
    documentElement: {},
    createElement: (tag: string) => new FakeElement(tag, this),
    getElementById: (id: string) => [...this.nodes].find((n) => n.attributes.id === id) ?? null,
  };
  readonly location = { href: "http://127.0.0.1:1234/chat.html" };
  RufflePlayer?: { config?: Record<string, unknown> };
  constructor(ruffle?: { config?: Record<string, unknown> }) {
    if (ruffle) this.RufflePlayer = ruffle;
  }
  get embeds() {
    return [...this.nodes].filter((n) => n.tag === "embed");
  }
  /** The callbacks globals the transports put on the page (an embedded SWF's are `__omnioFlash<n>`). */
  get globals() {
    return Object.keys(this).filter((k) => k.startsWith("__omnioFlash"));
  }
  /** The callbacks `element` was told (FlashVars `jsObject`) to call. */
  callbacksOf(element: FakeElement) {
    return (this as unknown as Record<string, FlashBridgeCallbacks | undefined>)[element.attributes.flashvars!.replace("jsObject=", "")];
  }
}

const BASE = "http://127.0.0.1:1234/socket.io/";
const PROXY = { host: "127.0.0.1", port: 1234, proxyUrl: "ws://127.0.0.1:1234/socket.io/flash/proxy" };

/** Opens a transport on `page`; resolves once it started (on the task after open(): the embed, the script). */
async function start(page: FakePage, options: FlashBridgeOptions = {}) {
  const log: Array<[string, ...unknown[]]> = [];
  const sink: TransportSink = {
    onOpen: () => log.push(["open"]),
    onPacket: (p) => log.push(["packet", p]),
    onDrain: () => log.push(["drain"]),
    onClose: (reason, error) => log.push(["close", reason, error]),
  };
  const context: TransportContext = {
    base: BASE,
    query: () => ({ EIO: "4" }),
    withCredentials: false,
    maxPayload: () => 1e6,
    global: page as unknown as typeof globalThis,
    sink,
  };
  const t = flashBridge(options).create(context);
  const before = page.nodes.size;
  t.open();
  expect(page.nodes.size).toBe(before); // nothing from inside open()
  await new Promise((r) => setTimeout(r, 0)); // the transport's start was queued first
  return { t, log };
}

/** Gives the embedded element the SWF's methods and calls back, as bridge.swf does once its main() ran. */
function startSwf(element: FakeElement, page: FakePage) {
  const calls: unknown[][] = [];
  const queue: unknown[] = [];
  Object.assign(element, {
    setCallerUrl: (url: string) => calls.push(["setCallerUrl", url]),
    create: (id: number, url: string) => calls.push(["create", id, url]),
    send: () => -1,
    close: (id: number) => calls.push(["close", id]),
    receiveEvents: () => queue.splice(0),
  });
  page.callbacksOf(element)!.__onFlashInitialized();
  const emit = (event: unknown) => {
    queue.push(event);
    page.callbacksOf(element)!.__onFlashEvent();
  };
  return { calls, emit };
}

describe("embedding bridge.swf", () => {
  it("adds an <embed> naming its callbacks, adds the server's socket proxy to Ruffle's config once, uses the element as the bridge and removes it on close", async () => {
    const config: Record<string, unknown> = { socketProxy: [{ host: "elsewhere", port: 80, proxyUrl: "ws://elsewhere/p" }] };
    const page = new FakePage({ config });
    const { t, log } = await start(page);
    const [element] = page.embeds;
    // A global of its own: `__omnioFlash<n>`, named to the SWF in its FlashVars.
    const [name] = page.globals;
    expect(name).toMatch(/^__omnioFlash\d+$/);
    expect(element!.attributes.id).toMatch(new RegExp(`^${name}_swf\\d+$`));
    expect(element!.attributes).toMatchObject({
      type: "application/x-shockwave-flash",
      src: BASE + "flash/bridge.swf",
      flashvars: "jsObject=" + name,
      allowScriptAccess: "always",
    });
    expect(config.socketProxy).toEqual([{ host: "elsewhere", port: 80, proxyUrl: "ws://elsewhere/p" }, PROXY]);

    const swf = startSwf(element!, page);
    await until(() => swf.calls.some((c) => c[0] === "create"), 2000, "create");
    expect(swf.calls[0]).toEqual(["setCallerUrl", page.location.href]);
    const id = swf.calls[1]![1];
    swf.emit({ type: "open", webSocketId: id, readyState: 1 });
    await until(() => log.some((l) => l[0] === "open"), 2000, "open");

    t.close();
    expect(swf.calls.at(-1)).toEqual(["close", id]);
    expect(page.nodes.size).toBe(0);
    expect(page.globals).toEqual([]);
    expect(page.RufflePlayer).toEqual({ config }); // the page's own Ruffle stays

    // A second embed on the same page finds its proxy entry already there.
    (await start(page)).t.close();
    expect(config.socketProxy).toHaveLength(2);
  });

  it("runs embedded sessions side by side: each its own global, element and SWF; each close takes back only its own", async () => {
    const page = new FakePage({});
    const a = await start(page);
    const b = await start(page);
    const [ea, eb] = page.embeds;
    expect(page.globals).toHaveLength(2);
    expect(page.callbacksOf(ea!)).not.toBe(page.callbacksOf(eb!));
    expect(ea!.attributes.id).not.toBe(eb!.attributes.id);
    // Neither was refused: both open, each on its own SWF.
    const swfA = startSwf(ea!, page);
    const swfB = startSwf(eb!, page);
    await until(() => swfA.calls.some((c) => c[0] === "create") && swfB.calls.some((c) => c[0] === "create"), 2000, "both create");
    swfA.emit({ type: "open", webSocketId: swfA.calls[1]![1], readyState: 1 });
    swfB.emit({ type: "open", webSocketId: swfB.calls[1]![1], readyState: 1 });
    await until(() => a.log.some((l) => l[0] === "open") && b.log.some((l) => l[0] === "open"), 2000, "both open");
    expect([a.log, b.log]).toEqual([[["open"]], [["open"]]]);

    a.t.close();
    expect(page.embeds).toEqual([eb]);
    expect(page.globals).toHaveLength(1);
    expect(page.callbacksOf(eb!)).toBeDefined();
    // The one left still works.
    swfB.emit({ type: "message", webSocketId: swfB.calls[1]![1], message: encodeURIComponent("4hi") });
    await until(() => b.log.length === 2, 2000, "message");
    expect(b.log[1]).toEqual(["packet", { type: "message", data: "hi" }]);
    b.t.close();
    expect(page.nodes.size).toBe(0);
    expect(page.globals).toEqual([]);
    expect(a.log).toEqual([["open"]]);
  });

  it("loads Ruffle with `ruffle: loadRuffle(folder)` first (config before the script), embeds once it loaded, and takes all back on close", async () => {
    const page = new FakePage();
    const { t } = await start(page, { ruffle: loadRuffle("/vendor/ruffle") });
    const [script] = page.nodes;
    expect(script!.tag).toBe("script");
    expect(script!.src).toBe("/vendor/ruffle/ruffle.js");
    expect(page.RufflePlayer!.config).toEqual({ allowScriptAccess: true, autoplay: "on", preferredRenderer: "canvas", publicPath: "/vendor/ruffle/", socketProxy: [PROXY] });
    expect(page.embeds).toEqual([]);
    script!.onload!();
    expect(page.embeds).toHaveLength(1);
    t.close();
    expect(page.nodes.size).toBe(0);
    // ruffle.js would have replaced RufflePlayer with its API; it did not here, so the config is taken back.
    expect(page.RufflePlayer).toBeUndefined();
    expect(page.globals).toEqual([]);
    // A late load after close adds nothing: the handlers are gone.
    expect(script!.onload).toBeNull();
    expect(script!.onerror).toBeNull();
  });

  it("fails the socket when Ruffle cannot be loaded, or the element has no bridge methods, and leaves nothing behind", async () => {
    const page = new FakePage();
    const a = await start(page, { ruffle: loadRuffle("/r/") });
    [...page.nodes][0]!.onerror!(new Error("404"));
    await until(() => a.log.some((l) => l[0] === "close"), 2000, "close");
    const [, reason, error] = a.log[0]!;
    expect(reason).toBe("transport error");
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toMatch(/cannot load Ruffle: 404/);
    expect(page.nodes.size).toBe(0);
    expect(page.RufflePlayer).toBeUndefined();
    expect(page.globals).toEqual([]);

    const other = new FakePage({});
    const b = await start(other);
    other.callbacksOf(other.embeds[0]!)!.__onFlashInitialized(); // an element that never became the bridge (no SWF methods)
    await until(() => b.log.some((l) => l[0] === "close"), 2000, "close");
    expect((b.log[0]![2] as Error).message).toMatch(/^flashsocket bridge threw: /);
    expect(other.nodes.size).toBe(0);
    expect(other.globals).toEqual([]);
  });
});

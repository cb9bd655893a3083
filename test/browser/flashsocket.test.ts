// flashsocket in real Chromium against the real @omnio/server (one loopback origin serving the page, the client
// bundle, Ruffle, bridge.swf and Socket.IO). (a) A page-side bridge object with web-socket-js's surface, backed by
// the page's own WebSocket, proves the JS half: init timing, calls queued before init, event order. (b) The real
// thing: bridge.swf under Ruffle, its Flash socket carried by the server's socket proxy; then the ranking's choice
// when the websocket transport's probe sees no WebSocket. The page loads the SOURCES bundled by esbuild.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer, type Server as HttpServer } from "node:http";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { build } from "esbuild";
import type { BrowserContext, Page } from "playwright-core";
import { Server } from "@omnio/server";
import { newPage } from "../helpers/browser.js";
import { REPO_ROOT, startStaticServer, type StaticServer } from "../helpers/static-server.js";

/** Ruffle needs 3–6 s to start a SWF; a loaded 2-core machine more. */
const RUFFLE_MS = 30_000;

const PACKAGES = ["client", "websocket", "polling", "xhr-multipart", "iframe", "jsonp", "flash-bridge"];

const PAGE_BRIDGE = String.raw`
  // A bridge with web-socket-js's surface over the page's own WebSocket; reports what it was asked and delivered.
  class PageBridge {
    constructor() { this.calls = []; this.sockets = new Map(); this.queue = []; this.pending = false; this.delivered = []; this.binaryFrames = 0; }
    cb() { return window.__omnioFlash; }
    initialize() { this.initAt = performance.now(); this.cb().__onFlashInitialized(); }
    setCallerUrl(u) { this.calls.push(["setCallerUrl", u]); }
    setDebug(d) { this.calls.push(["setDebug", d]); }
    loadManualPolicyFile(u) { this.calls.push(["loadManualPolicyFile", u]); }
    create(id, url) {
      this.calls.push(["create", id]);
      const ws = new WebSocket(url);
      this.sockets.set(id, ws);
      ws.onopen = () => this.dispatch({ type: "open", webSocketId: id, readyState: 1 });
      ws.onmessage = (e) => {
        if (typeof e.data !== "string") { this.binaryFrames++; ws.close(1003); return; }
        this.dispatch({ type: "message", webSocketId: id, readyState: 1, message: encodeURIComponent(e.data) });
      };
      ws.onerror = () => this.dispatch({ type: "error", webSocketId: id, readyState: 3 });
      ws.onclose = (e) => { this.sockets.delete(id); this.dispatch({ type: "close", webSocketId: id, readyState: 3, code: e.code, reason: e.reason, wasClean: e.wasClean }); };
    }
    send(id, data) {
      this.calls.push(["send", id]);
      const ws = this.sockets.get(id), text = decodeURIComponent(data);
      if (!ws || ws.readyState !== 1) return text.length;
      ws.send(text);
      return -1;
    }
    close(id) { this.calls.push(["close", id]); this.sockets.get(id)?.close(1000); }
    receiveEvents() {
      const q = this.queue; this.queue = []; this.pending = false;
      for (const e of q) this.delivered.push(e.type);
      return q;
    }
    dispatch(e) {
      this.queue.push(e);
      if (this.pending) return;
      this.pending = true;
      if (this.cb()?.__onFlashEvent() !== true) this.pending = false;
    }
  }
  window.PageBridge = PageBridge;
`;

/** The page's recorder around one omnio socket. */
const RECORDER = String.raw`
  window.record = (socket) => {
    const log = { events: [], connects: 0, disconnects: [], errors: [], transports: [] };
    socket.on("connect", () => { log.connects++; log.connectAt = performance.now(); });
    socket.on("disconnect", (r) => log.disconnects.push(r));
    socket.on("connect_error", (e) => log.errors.push(e.name + ": " + e.message + (e.errors ? " <- " + e.errors.map((x) => x.message).join(" | ") : "")));
    socket.onAny((name, ...args) => log.events.push([name, ...args.map((a) => a instanceof ArrayBuffer ? { bytes: [...new Uint8Array(a)] } : a)]));
    socket.io.on("transport", (t) => log.transports.push(t.name));
    window.socket = socket;
    window.log = log;
    return log;
  };
  window.waitFor = (check, ms, what) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      let v; try { v = check(); } catch {}
      if (v) return resolve(v);
      if (performance.now() - t0 > ms) return reject(new Error("timed out after " + ms + " ms waiting for " + what + "; log: " + JSON.stringify({ errors: window.log?.errors, disconnects: window.log?.disconnects })));
      setTimeout(tick, 20);
    };
    tick();
  });
  window.leftovers = () => ({
    flashElements: document.querySelectorAll("object, embed, ruffle-object, ruffle-embed").length,
    // A handed-in bridge's __omnioFlash, an embedded SWF's __omnioFlash<n>: the names still on window.
    callbacks: Object.keys(window).filter((k) => k.startsWith("__omnioFlash")).join(),
  });
`;

function page(head: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>omnio flashsocket</title>${head}</head><body>
<script>${PAGE_BRIDGE}${RECORDER}</script>
<script type="module">window.lib = await import("/__flash.mjs"); window.libReady = true;</script></body></html>`;
}

/** A page that loaded Ruffle itself (its config names the server's socket proxy) before omnio runs. */
const rufflePage = (port: number) =>
  page(`<script>window.RufflePlayer = { config: { allowScriptAccess: true, autoplay: "on", unmuteOverlay: "hidden",
  splashScreen: false, preferredRenderer: "canvas", logLevel: "error", publicPath: "/node_modules/@ruffle-rs/ruffle/",
  socketProxy: [{ host: "127.0.0.1", port: ${port}, proxyUrl: "ws://127.0.0.1:${port}/socket.io/flash/proxy" }] } };</script>
<script src="/node_modules/@ruffle-rs/ruffle/ruffle.js"></script>`);

let site: StaticServer;
let io: Server;
let origin: string;
const upgrades: Array<{ url: string; ua: string | undefined }> = [];
const serverSockets: Array<{ emit(e: string, ...a: unknown[]): unknown }> = [];

beforeAll(async () => {
  const alias: Record<string, string> = { omnio: join(REPO_ROOT, "packages/omnio/src/index.ts") };
  for (const p of PACKAGES) alias[`@omnio/${p}`] = join(REPO_ROOT, `packages/${p}/src/index.ts`);
  const bundle = await build({
    stdin: {
      contents: `export { io, connect } from "omnio"; export { flashBridge, loadRuffle } from "@omnio/flash-bridge"; export { websocket } from "@omnio/websocket";`,
      resolveDir: REPO_ROOT,
      loader: "ts",
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    alias,
  });
  const code = bundle.outputFiles[0]!.text;
  const http: HttpServer = createServer();
  site = await startStaticServer({
    server: http,
    routes: [
      (req, res) => {
        const path = (req.url ?? "").split("?")[0];
        const body =
          path === "/__flash.mjs" ? code : path === "/plain.html" ? page("") : path === "/ruffle.html" ? rufflePage(site.port) : undefined;
        if (body === undefined) return false;
        res.writeHead(200, { "Content-Type": path.endsWith(".mjs") ? "text/javascript; charset=utf-8" : "text/html; charset=utf-8", "Cache-Control": "no-store" });
        res.end(body);
        return true;
      },
    ],
  });
  origin = site.origin;
  io = new Server(http, { flashPolicyPort: false, pingInterval: 5000, pingTimeout: 10_000 });
  // Every WebSocket upgrade the server sees: the proxy's own, and what arrives through it from bridge.swf.
  http.prependListener("upgrade", (req) => upgrades.push({ url: req.url ?? "", ua: req.headers["user-agent"] }));
  io.on("connection", (s) => {
    serverSockets.push(s);
    s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
    s.on("echoBinary", (v: Buffer, ack: (v: unknown) => void) => ack(Buffer.from(v)));
    s.on("burst", (n: number) => {
      for (let i = 0; i < n; i++) s.emit("n", i);
    });
    s.on("ask", async (ack: (v: unknown) => void) => ack(await s.timeout(10_000).emitWithAck("question", "ping?")));
    s.on("bye", () => {
      for (const c of io.engine.clients.values()) c.close();
    });
    s.emit("welcome", "héllo 😀", Buffer.from([1, 2, 3, 255]));
  });
}, 60_000);

afterAll(async () => {
  await io?.close();
  await site?.close();
});

let context: BrowserContext | undefined;
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function open(path: string): Promise<{ page: Page; errors: Error[] }> {
  const p = await newPage();
  context = p.context;
  await p.page.goto(`${origin}${path}`);
  await p.page.waitForFunction(() => (window as unknown as { libReady?: boolean }).libReady === true, undefined, { timeout: 15_000 });
  return { page: p.page, errors: p.errors };
}

type Log = { events: unknown[][]; connects: number; disconnects: string[]; errors: string[]; transports: string[]; connectAt?: number };
const HOSTILE = ["é日😀", "\u2028\u2029", "%41%zz%", "+&=?#", "\0\x01\x1e", "</script><!--", "\\\"'", "\uFEFFbom", "b" + "x".repeat(5000)];

/** Events, acks both ways, binary, a 200-event burst, hostile strings: the same checks for every bridge. */
async function exercise(pg: Page): Promise<void> {
  const result = await pg.evaluate(async (hostile) => {
    const w = window as unknown as { socket: any; log: Log; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
    const s = w.socket;
    await w.waitFor(() => w.log.events.some((e) => e[0] === "welcome"), 10_000, "welcome");
    const welcome = w.log.events.find((e) => e[0] === "welcome");
    const echo = await s.timeout(10_000).emitWithAck("echo", hostile);
    const bin = await s.timeout(10_000).emitWithAck("echoBinary", new Uint8Array([0, 1, 2, 250, 255]));
    s.on("question", (q: string, ack: (v: string) => void) => ack("answer to " + q));
    const asked = await s.timeout(10_000).emitWithAck("ask");
    const before = w.log.events.length;
    s.emit("burst", 200);
    await w.waitFor(() => w.log.events.filter((e) => e[0] === "n").length === 200, 20_000, "200 events");
    const burst = w.log.events.slice(before).filter((e) => e[0] === "n").map((e) => e[1]);
    return { welcome, echo, bin: [...new Uint8Array(bin)], asked, burst, transport: s.io.transport };
  }, HOSTILE);
  expect(result.transport).toBe("flashsocket");
  expect(result.welcome).toEqual(["welcome", "héllo 😀", { bytes: [1, 2, 3, 255] }]);
  expect(result.echo).toEqual(HOSTILE);
  expect(result.bin).toEqual([0, 1, 2, 250, 255]);
  expect(result.asked).toBe("answer to ping?");
  expect(result.burst).toEqual(Array.from({ length: 200 }, (_, i) => i));
}

describe("flashsocket in Chromium: a page-side bridge object", () => {
  it("waits for __onFlashInitialized, runs the calls queued before it in order, delivers events in order", async () => {
    const { page: pg, errors } = await open("/plain.html");
    const timing = await pg.evaluate(async () => {
      const w = window as unknown as { lib: any; PageBridge: any; record: (s: unknown) => Log; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      const bridge = new w.PageBridge();
      (window as unknown as { bridge: unknown }).bridge = bridge;
      const socket = w.lib.connect(location.origin, { transports: [w.lib.flashBridge({ bridge, ready: false })], reconnection: false });
      const log = w.record(socket);
      await new Promise((r) => setTimeout(r, 300)); // the bridge "loads" for 300 ms: nothing may reach it before
      const callsBeforeInit = bridge.calls.length;
      const callbacksInstalled = typeof (window as unknown as { __omnioFlash?: unknown }).__omnioFlash;
      bridge.initialize();
      await w.waitFor(() => log.connects === 1, 10_000, "connect");
      return { callsBeforeInit, callbacksInstalled, initAt: bridge.initAt, connectAt: log.connectAt, calls: bridge.calls.slice(0, 2).map((c: unknown[]) => c[0]) };
    });
    expect(timing.callsBeforeInit).toBe(0);
    expect(timing.callbacksInstalled).toBe("object");
    expect(timing.calls).toEqual(["setCallerUrl", "create"]);
    expect(timing.connectAt!).toBeGreaterThan(timing.initAt);
    await exercise(pg);
    const after = await pg.evaluate(async () => {
      const w = window as unknown as { socket: any; bridge: any; leftovers(): { callbacks: string }; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      w.socket.disconnect();
      await w.waitFor(() => w.bridge.delivered.at(-1) === "close" || w.bridge.sockets.size === 0, 10_000, "the bridge socket to close");
      await w.waitFor(() => w.leftovers().callbacks === "", 10_000, "callbacks removed");
      return { delivered: w.bridge.delivered as string[], binaryFrames: w.bridge.binaryFrames, leftovers: w.leftovers() };
    });
    // open, then only messages, and a close (if the bridge reported it before the socket let go) last.
    expect(after.delivered[0]).toBe("open");
    const rest = after.delivered.slice(1);
    expect(rest.filter((t) => t !== "message").every((t, i, a) => t === "close" && i === a.length - 1)).toBe(true);
    expect(rest.filter((t) => t === "message").length).toBeGreaterThan(200);
    expect(after.binaryFrames).toBe(0);
    expect(after.leftovers).toEqual({ flashElements: 0, callbacks: "" });
    expect(errors).toEqual([]);
  });
});

describe("flashsocket in Chromium: bridge.swf under Ruffle", () => {
  it("loads Ruffle on demand, connects through the server's socket proxy; events, acks, binary, burst, hostile strings", async () => {
    upgrades.length = 0;
    const { page: pg, errors } = await open("/plain.html");
    await pg.evaluate(async (ms) => {
      const w = window as unknown as { lib: any; record: (s: unknown) => Log; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      const socket = w.lib.connect(location.origin, {
        transports: [w.lib.flashBridge({ ruffle: w.lib.loadRuffle("/node_modules/@ruffle-rs/ruffle/") })],
        reconnectionDelay: 200,
        timeout: ms,
      });
      const log = w.record(socket);
      await w.waitFor(() => log.connects === 1, ms, "connect over bridge.swf");
    }, RUFFLE_MS);
    await exercise(pg);
    // The server ends the session: the client reconnects, over a freshly embedded bridge.
    const again = await pg.evaluate(async (ms) => {
      const w = window as unknown as { socket: any; log: Log; leftovers(): { flashElements: number; callbacks: string }; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      w.socket.emit("bye");
      await w.waitFor(() => w.log.disconnects.length === 1, 10_000, "disconnect");
      await w.waitFor(() => w.log.connects === 2, ms, "reconnect");
      const echo = await w.socket.timeout(10_000).emitWithAck("echo", "again ✓");
      const elements = w.leftovers().flashElements;
      const disconnects = w.log.disconnects.slice();
      w.socket.disconnect();
      await w.waitFor(() => w.leftovers().flashElements === 0 && w.leftovers().callbacks === "", 10_000, "bridge removed");
      return { disconnects, echo, elements, transport: w.log.transports };
    }, RUFFLE_MS);
    expect(again.disconnects).toEqual(["transport close"]);
    expect(again.echo).toBe("again ✓");
    expect(again.elements).toBe(1);
    // Two sessions, each: Chromium's WebSocket to the proxy, then bridge.swf's own handshake through it (no
    // browser User-Agent: those bytes were written by the SWF).
    const proxied = upgrades.filter((u) => u.url === "/socket.io/flash/proxy");
    const flash = upgrades.filter((u) => u.url.includes("transport=flashsocket"));
    expect(proxied).toHaveLength(2);
    expect(proxied.every((u) => /Chrome/.test(u.ua ?? ""))).toBe(true);
    expect(flash).toHaveLength(2);
    expect(flash.every((u) => u.ua === undefined)).toBe(true);
    expect(again.transport).toEqual(["flashsocket", "flashsocket"]);
    expect(errors).toEqual([]);
  }, 120_000);

  it("two sessions at once (forceNew), each over its own bridge.swf; closing one leaves the other working", async () => {
    const { page: pg, errors } = await open("/plain.html");
    const result = await pg.evaluate(async (ms) => {
      const w = window as unknown as { lib: any; leftovers(): { flashElements: number; callbacks: string }; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      const transports = [w.lib.flashBridge({ ruffle: w.lib.loadRuffle("/node_modules/@ruffle-rs/ruffle/") })];
      const connected = (s: any) => new Promise((ok, fail) => { s.once("connect", ok); s.once("connect_error", fail); });
      const a = w.lib.connect(location.origin, { transports, forceNew: true, reconnection: false, timeout: ms });
      await connected(a);
      // The second opens while the first is up (what the bench does).
      const b = w.lib.connect(location.origin, { transports, forceNew: true, reconnection: false, timeout: ms });
      await connected(b);
      const both = { ...w.leftovers() };
      const names = [a.io.transport, b.io.transport];
      const echoes = [await a.timeout(10_000).emitWithAck("echo", "a"), await b.timeout(10_000).emitWithAck("echo", "b")];
      a.disconnect();
      await w.waitFor(() => w.leftovers().flashElements === 1, 10_000, "the first bridge removed");
      const one = { ...w.leftovers() };
      echoes.push(await b.timeout(10_000).emitWithAck("echo", "b alone"));
      b.disconnect();
      await w.waitFor(() => w.leftovers().flashElements === 0 && w.leftovers().callbacks === "", 10_000, "bridges removed");
      return { transports: names, both, one, echoes };
    }, RUFFLE_MS);
    expect(result.transports).toEqual(["flashsocket", "flashsocket"]);
    expect(result.echoes).toEqual(["a", "b", "b alone"]);
    expect(result.both.flashElements).toBe(2);
    expect(result.both.callbacks).toMatch(/^__omnioFlash\d+,__omnioFlash\d+$/);
    expect(result.one.callbacks).toMatch(/^__omnioFlash\d+$/);
    expect(result.both.callbacks.split(",")).toContain(result.one.callbacks);
    expect(errors).toEqual([]);
  }, 120_000);

  it('io(url, { transports: ["websocket", "flashsocket"] }) picks flashsocket when the websocket probe sees no WebSocket', async () => {
    const { page: pg, errors } = await open("/ruffle.html");
    const result = await pg.evaluate(async (ms) => {
      const w = window as unknown as { lib: any; record: (s: unknown) => Log; waitFor: (c: () => unknown, ms: number, what: string) => Promise<unknown> };
      // Ruffle needs the real WebSocket for its socket proxy: hide it from omnio's probes only.
      const global = new Proxy(window, {
        get: (t, k) => {
          if (k === "WebSocket") return undefined;
          const v = Reflect.get(t, k);
          return typeof v === "function" && typeof k === "string" && /^[a-z]/.test(k) ? v.bind(t) : v;
        },
        has: (t, k) => k !== "WebSocket" && Reflect.has(t, k),
      });
      const socket = w.lib.io(location.origin, { transports: ["websocket", "flashsocket"], global, timeout: ms, reconnection: false });
      const log = w.record(socket);
      await w.waitFor(() => log.connects === 1, ms, "connect over bridge.swf");
      const echo = await socket.timeout(10_000).emitWithAck("echo", "via ruffle");
      const ranking = socket.io.ranking().map((r: { name: string; supported: boolean; reason: string }) => ({ name: r.name, supported: r.supported, reason: r.reason }));
      socket.disconnect();
      return { echo, ranking, transport: log.transports };
    }, RUFFLE_MS);
    expect(result.echo).toBe("via ruffle");
    expect(result.transport).toEqual(["flashsocket"]);
    expect(result.ranking).toEqual(
      expect.arrayContaining([
        { name: "websocket", supported: false, reason: expect.stringMatching(/no global WebSocket/) },
        // After the session, the row explains itself from this origin's transport memory.
        { name: "flashsocket", supported: true, reason: expect.stringMatching(/^worked just now on this origin/) },
      ]),
    );
    expect(errors).toEqual([]);
  }, 90_000);
});

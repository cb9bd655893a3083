// @omnio/jsonp in real Chromium: the page on one loopback origin, the Socket.IO server on another (a different
// port) that sends no CORS header at all. The transport is driven by a tiny in-page Socket.IO driver
// (test/pages/jsonp.html) against a REAL stock socket.io@4.8 server and against @omnio/server (whose JSONP is
// served as application/javascript + nosniff); the failure paths against raw servers.
// The page loads the transport's SOURCES bundled by esbuild (so this runs whatever state the builds are in).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { build } from "esbuild";
import { Server as SocketIOServer } from "socket.io";
import { EngineServer, Server as OmnioServer, type EngineConnection } from "@omnio/server";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import type { BrowserContext, Page } from "playwright-core";
import { newPage } from "../helpers/browser.js";
import { REPO_ROOT, startStaticServer, type StaticServer } from "../helpers/static-server.js";

const DEADLINE = 20_000;

// ---- what the page exposes (test/pages/jsonp.html) ----
interface PageDriver {
  sid?: string;
  events: unknown[][];
  closed?: { reason: string; error: { name: string; message: string; transport?: string } | null };
  connect(ms?: number): Promise<{ sid: string }>;
  emit(event: string, ...args: unknown[]): void;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown[]>;
  waitEvents(name: string, count: number, ms?: number): Promise<unknown[][]>;
  until(predicate: () => unknown, ms: number, what: string): Promise<void>;
  close(): void;
}
interface Leftovers {
  scripts: number;
  forms: number;
  iframes: number;
  slotFunctions: number;
  slots: number | null;
}
type PageWindow = Window & {
  Driver: new (base: string, options?: Record<string, unknown>, maxPayload?: number) => PageDriver;
  drivers: Record<string, PageDriver>;
  leftovers(): Leftovers;
  driverReady: boolean;
  __injections: number;
  ___eio?: unknown[];
};

// ---- servers ----
/** What both servers offer, as far as these tests use it (socket.io's API, which @omnio/server mirrors). */
interface ServerSocket {
  readonly id: string;
  on(event: string, listener: (...args: never[]) => void): unknown;
  once(event: string, listener: (reason: string) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  onAny(listener: (...args: unknown[]) => void): unknown;
}
type PeerKind = "socket.io@4.8" | "@omnio/server";

/** A Socket.IO server (no cors option: no CORS header ever) plus a log of its HTTP traffic. */
interface Peer {
  base: string;
  sockets: ServerSocket[];
  received: Map<string, unknown[][]>;
  /** Most requests of one session in flight at once, per method. */
  maxInFlight: { GET: number; POST: number };
  corsHeaders: string[];
  close(): Promise<void>;
}

async function startPeer(kind: PeerKind, maxHttpBufferSize = 1e6): Promise<Peer> {
  const http = createServer();
  const inFlight = new Map<string, number>();
  const maxInFlight = { GET: 0, POST: 0 };
  const corsHeaders: string[] = [];
  // Short heartbeat so held GETs are answered (and pinged/ponged) within the tests' time.
  const options = { pingInterval: 3_000, pingTimeout: 10_000, maxHttpBufferSize };
  const io = kind === "socket.io@4.8" ? new SocketIOServer(http, options) : new OmnioServer(http, options);

  // After socket.io attached: engine.io takes over the `request` listeners registered before it.
  http.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const sid = new URL(req.url ?? "/", "http://x").searchParams.get("sid");
    const method = req.method as "GET" | "POST";
    res.on("finish", () => {
      for (const name of res.getHeaderNames()) if (name.startsWith("access-control-")) corsHeaders.push(name);
    });
    if (!sid || (method !== "GET" && method !== "POST")) return;
    const key = `${sid} ${method}`;
    inFlight.set(key, (inFlight.get(key) ?? 0) + 1);
    maxInFlight[method] = Math.max(maxInFlight[method], inFlight.get(key)!);
    res.on("close", () => inFlight.set(key, inFlight.get(key)! - 1));
  });
  const sockets: ServerSocket[] = [];
  const received = new Map<string, unknown[][]>();
  (io as { on(event: "connection", listener: (socket: ServerSocket) => void): unknown }).on("connection", (socket) => {
    sockets.push(socket);
    received.set(socket.id, []);
    socket.onAny((...args: unknown[]) => {
      if (typeof args[args.length - 1] === "function") args = args.slice(0, -1);
      received.get(socket.id)!.push(args);
    });
    socket.on("echo", (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    socket.on("burst-please", (n: number) => {
      for (let i = 0; i < n; i++) socket.emit("burst", i);
    });
    socket.on("strings-please", (strings: string[]) => socket.emit("strings", strings));
    socket.on("bin", (data: Buffer) => socket.emit("bin-back", Buffer.from(data).reverse()));
    socket.on("ask", (question: string) =>
      socket.emit("question", question, (answer: string) => socket.emit("answered", answer)),
    );
    socket.emit("whoami", socket.id);
  });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  const { port } = http.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/socket.io/`,
    sockets,
    received,
    maxInFlight,
    corsHeaders,
    close: () => new Promise<void>((ok) => void io.close(() => ok())),
  };
}

/** A raw HTTP server answering every request with `answer` (for the failure paths). */
async function startRawServer(answer: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ base: string; http: HttpServer; close(): Promise<void> }> {
  const http = createServer(answer);
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  const { port } = http.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}/socket.io/`,
    http,
    close: () =>
      new Promise<void>((ok) => {
        http.closeAllConnections();
        http.close(() => ok());
      }),
  };
}

// ---- page ----
let site: StaticServer;
let pageUrl: string;

beforeAll(async () => {
  const bundle = await build({
    entryPoints: [join(REPO_ROOT, "packages/jsonp/src/index.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2020",
    write: false,
    alias: { "@omnio/client": join(REPO_ROOT, "packages/client/src/index.ts") },
  });
  const code = bundle.outputFiles[0]!.text;
  site = await startStaticServer({
    routes: [
      (req, res) => {
        if (req.url !== "/__jsonp.mjs") return false;
        res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
        res.end(code);
        return true;
      },
    ],
  });
  pageUrl = `${site.origin}/test/pages/jsonp.html?lib=/__jsonp.mjs`;
});

afterAll(async () => {
  await site?.close();
});

let context: BrowserContext | undefined;
let errors: Error[] = [];
/** Content type and nosniff of every successful JSONP GET answer the page received. */
let scriptTypes = new Set<string>();
afterEach(async () => {
  await context?.close();
  context = undefined;
});

async function openPage(): Promise<Page> {
  const opened = await newPage();
  context = opened.context;
  errors = opened.errors;
  scriptTypes = new Set();
  opened.page.on("response", (response) => {
    if (response.request().method() !== "GET" || !response.url().includes("/socket.io/") || response.status() !== 200) return;
    const headers = response.headers();
    scriptTypes.add(`${headers["content-type"]}; ${headers["x-content-type-options"] ?? "sniff"}`);
  });
  await opened.page.goto(pageUrl);
  await opened.page.waitForFunction(() => (window as unknown as PageWindow).driverReady, undefined, { timeout: DEADLINE });
  return opened.page;
}

/** Create `window.drivers[name]` for `base` and connect it; returns the Socket.IO sid. */
async function connectDriver(page: Page, name: string, base: string, options: Record<string, unknown> = {}): Promise<string> {
  return page.evaluate(
    async ({ name, base, options }) => {
      const w = window as unknown as PageWindow;
      w.drivers ??= {};
      const driver = (w.drivers[name] = new w.Driver(base, options));
      return (await driver.connect()).sid;
    },
    { name, base, options },
  );
}

const leftovers = (page: Page): Promise<Leftovers> => page.evaluate(() => (window as unknown as PageWindow).leftovers());

/** Close a driver and wait (bounded) until JSONP left nothing behind in the page. */
async function closeAndExpectClean(page: Page, name: string): Promise<void> {
  await page.evaluate((name) => (window as unknown as PageWindow).drivers[name]!.close(), name);
  await page.waitForFunction(
    () => {
      const l = (window as unknown as PageWindow).leftovers();
      return l.scripts === 0 && l.forms === 0 && l.iframes === 0 && l.slotFunctions === 0;
    },
    undefined,
    { timeout: DEADLINE },
  );
}

/** Strings that break naive escaping somewhere: newlines, CRLF, literal \n sequences, U+2028/9, quotes, tags. */
const TRICKY = [
  "line1\nline2",
  "crlf\r\nlone cr\r",
  "literal \\n, \\\\n and \\\\\\n",
  "backslash before newline \\\n end",
  "\u2028 line separator \u2029 paragraph separator",
  `quotes " ' \` and \\"`,
  "</script><script>__injected()</script>",
  '"); __injected(); ("',
  "'+__injected()+'",
  "\u2028__injected()\u2029",
  "<!-- <script> -->",
  "record\u001eseparator and NUL \u0000 and DEL \u007f",
  "emoji 😀, ü, 中文",
  "%0A%0D+&=d=",
];

describe.each<PeerKind>(["socket.io@4.8", "@omnio/server"])("jsonp against %s on another origin, no CORS", (kind) => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer(kind);
  });
  afterAll(async () => {
    await peer?.close();
  });

  it("connects, exchanges events and acks both ways, and never needed a CORS header", async () => {
    const page = await openPage();
    const sid = await connectDriver(page, "a", peer.base);
    expect(peer.sockets.map((s) => s.id)).toContain(sid);
    const result = await page.evaluate(async () => {
      const d = (window as unknown as PageWindow).drivers.a!;
      const whoami = await d.waitEvents("whoami", 1);
      d.emit("hello", { n: 1 }, "two");
      const ack = await d.emitWithAck("echo", "ping", 42);
      d.emit("ask", "why");
      const answered = await d.waitEvents("answered", 1);
      return { whoami, ack, answered };
    });
    expect(result.whoami).toEqual([["whoami", sid]]);
    expect(result.ack).toEqual(["ping", 42]);
    expect(result.answered).toEqual([["answered", "ack:why"]]);
    expect(peer.received.get(sid)).toContainEqual(["hello", { n: 1 }, "two"]);
    expect(peer.corsHeaders).toEqual([]);
    // Stock engine.io serves its scripts as text/plain (Chromium runs them only without nosniff).
    expect([...scriptTypes]).toEqual(
      kind === "socket.io@4.8" ? ["text/plain; charset=UTF-8; sniff"] : ["application/javascript; charset=UTF-8; nosniff"],
    );
    await closeAndExpectClean(page, "a");
    expect(errors).toEqual([]);
  });

  it("carries binary both ways as base64", async () => {
    const page = await openPage();
    await connectDriver(page, "a", peer.base);
    const back = await page.evaluate(async () => {
      const d = (window as unknown as PageWindow).drivers.a!;
      const bytes = new Uint8Array(300).map((_, i) => (i * 7) & 0xff);
      d.emit("bin", bytes.buffer);
      const [event] = await d.waitEvents("bin-back", 1);
      const data = event![1];
      return { isArrayBuffer: data instanceof ArrayBuffer, bytes: [...new Uint8Array(data as ArrayBuffer)] };
    });
    const expected = [...new Uint8Array(300).map((_, i) => (i * 7) & 0xff)].reverse();
    expect(back).toEqual({ isArrayBuffer: true, bytes: expected });
    await closeAndExpectClean(page, "a");
  });

  it("delivers 1,000-event bursts in order both ways, one GET and one POST at most, no history entries", async () => {
    const page = await openPage();
    const sid = await connectDriver(page, "a", peer.base);
    const result = await page.evaluate(async () => {
      const d = (window as unknown as PageWindow).drivers.a!;
      const historyBefore = history.length;
      for (let i = 0; i < 1000; i++) d.emit("up", i);
      d.emit("burst-please", 1000);
      const down = await d.waitEvents("burst", 1000, 30_000);
      await d.emitWithAck("echo", "flushed");
      return { down: down.map((e) => e[1]), historyDelta: history.length - historyBefore };
    });
    expect(result.down).toEqual([...Array(1000).keys()]);
    const up = peer.received.get(sid)!.filter((e) => e[0] === "up").map((e) => e[1]);
    expect(up).toEqual([...Array(1000).keys()]);
    expect(peer.maxInFlight.GET).toBe(1);
    expect(peer.maxInFlight.POST).toBe(1);
    // A fresh iframe per POST replaces its initial about:blank: the Back button never walks our POSTs.
    expect(result.historyDelta).toBe(0);
    await closeAndExpectClean(page, "a");
  });

  it("keeps tricky strings byte-exact both ways and no payload runs as script", async () => {
    const page = await openPage();
    const sid = await connectDriver(page, "a", peer.base);
    const result = await page.evaluate(async (strings) => {
      const w = window as unknown as PageWindow;
      const d = w.drivers.a!;
      const acked = await d.emitWithAck("echo", ...strings);
      d.emit("strings-please", strings);
      const [pushed] = await d.waitEvents("strings", 1);
      return { acked, pushed: pushed![1], injections: w.__injections };
    }, TRICKY);
    expect(result.acked).toEqual(TRICKY);
    expect(result.pushed).toEqual(TRICKY);
    expect(peer.received.get(sid)!.find((e) => e[0] === "echo")!.slice(1)).toEqual(TRICKY);
    expect(result.injections).toBe(0);
    await closeAndExpectClean(page, "a");
    expect(await page.evaluate(() => (window as unknown as PageWindow).__injections)).toBe(0);
    expect(errors).toEqual([]);
  });

  it("closes cleanly: the server hears the close, nothing is left in the DOM or in ___eio", async () => {
    const page = await openPage();
    const sid = await connectDriver(page, "a", peer.base);
    const socket = peer.sockets.find((s) => s.id === sid)!;
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    await page.evaluate(() => (window as unknown as PageWindow).drivers.a!.emit("last", "words"));
    await closeAndExpectClean(page, "a");
    // The close packet was POSTed (not a heartbeat timeout, which would take 13 s here).
    expect(await withDeadline(disconnected, 5_000, "server-side disconnect")).toBe("transport close");
    expect(peer.received.get(sid)).toContainEqual(["last", "words"]);
    const after = await leftovers(page);
    expect(after).toMatchObject({ scripts: 0, forms: 0, iframes: 0, slotFunctions: 0 });
  });

  it("runs two JSONP clients on one page without crossing wires", async () => {
    const page = await openPage();
    const [sidA, sidB] = [await connectDriver(page, "a", peer.base), await connectDriver(page, "b", peer.base)];
    expect(sidA).not.toBe(sidB);
    const result = await page.evaluate(async () => {
      const { a, b } = (window as unknown as PageWindow).drivers;
      for (let i = 0; i < 50; i++) {
        a!.emit("up", `a${i}`);
        b!.emit("up", `b${i}`);
      }
      a!.emit("burst-please", 100);
      b!.emit("burst-please", 100);
      const [burstA, burstB] = await Promise.all([a!.waitEvents("burst", 100), b!.waitEvents("burst", 100)]);
      const [ackA, ackB] = await Promise.all([a!.emitWithAck("echo", "A"), b!.emitWithAck("echo", "B")]);
      return {
        whoA: a!.events.filter((e) => e[0] === "whoami"),
        whoB: b!.events.filter((e) => e[0] === "whoami"),
        burstA: burstA.length,
        burstB: burstB.length,
        eventsA: a!.events.length,
        eventsB: b!.events.length,
        ackA,
        ackB,
      };
    });
    expect(result.whoA).toEqual([["whoami", sidA]]);
    expect(result.whoB).toEqual([["whoami", sidB]]);
    expect([result.burstA, result.burstB, result.eventsA, result.eventsB]).toEqual([100, 100, 101, 101]);
    expect([result.ackA, result.ackB]).toEqual([["A"], ["B"]]);
    const ups = (sid: string) => peer.received.get(sid)!.filter((e) => e[0] === "up").map((e) => e[1]);
    expect(ups(sidA)).toEqual([...Array(50).keys()].map((i) => `a${i}`));
    expect(ups(sidB)).toEqual([...Array(50).keys()].map((i) => `b${i}`));
    // (the page is clean only once both are closed: b's poll is a live script until then)
    await page.evaluate(() => (window as unknown as PageWindow).drivers.b!.close());
    await closeAndExpectClean(page, "a");
  });
});

// ---- through the client: connect(url, { transports: [jsonp()] }) with the BUILT ESM (npm test builds first) ----
interface PageSocket {
  id?: string;
  connected: boolean;
  io: { transport: string | null; on(event: string, listener: (...args: unknown[]) => void): unknown };
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  emit(event: string, ...args: unknown[]): unknown;
  emitWithAck(event: string, ...args: unknown[]): Promise<unknown>;
  disconnect(): unknown;
}
type ConnectWindow = Window & {
  omnio: {
    connect(url: string, options: Record<string, unknown>): PageSocket;
    jsonp(options?: Record<string, unknown>): unknown;
    websocket?: (options?: Record<string, unknown>) => unknown;
    ranked: unknown;
  };
  loadWebsocket(): Promise<unknown>;
  leftovers(): Leftovers;
  omnioReady: boolean;
  __injections: number;
  sock: PageSocket;
  seen: unknown[][];
};

async function openConnectPage(): Promise<Page> {
  const opened = await newPage();
  context = opened.context;
  errors = opened.errors;
  await opened.page.goto(`${site.origin}/test/pages/jsonp-connect.html`);
  await opened.page.waitForFunction(() => (window as unknown as ConnectWindow).omnioReady, undefined, { timeout: DEADLINE });
  return opened.page;
}

/** connect() in the page; `withWebsocket` puts websocket() first (JSONP handshakes, then upgrades). */
function pageConnect(page: Page, url: string, withWebsocket = false): Promise<{ id: string; transport: string | null }> {
  return page.evaluate(
    async ({ url, withWebsocket }) => {
      const w = window as unknown as ConnectWindow;
      if (withWebsocket) await w.loadWebsocket();
      const transports = withWebsocket ? [w.omnio.websocket!(), w.omnio.jsonp()] : [w.omnio.jsonp()];
      const sock = (w.sock = w.omnio.connect(url, { transports, strategy: w.omnio.ranked, reconnection: false, forceNew: true }));
      w.seen = [];
      sock.on("whoami", (...args) => w.seen.push(["whoami", ...args]));
      sock.on("burst", (...args) => w.seen.push(["burst", ...args]));
      await new Promise((resolve, reject) => {
        sock.once("connect", resolve);
        sock.once("connect_error", (e) => reject(new Error(`connect_error: ${(e as Error).message}`)));
        setTimeout(() => reject(new Error("no connect within 15 s")), 15_000);
      });
      return { id: sock.id!, transport: sock.io.transport };
    },
    { url, withWebsocket },
  );
}

describe.each<PeerKind>(["socket.io@4.8", "@omnio/server"])("connect() over jsonp against %s, cross-origin, no CORS", (kind) => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer(kind);
  });
  afterAll(async () => {
    await peer?.close();
  });

  it("events, acks, binary, tricky strings and a 1,000-event burst; disconnect leaves nothing behind", async () => {
    const page = await openConnectPage();
    const url = peer.base.replace(/\/socket\.io\/$/, "");
    const { id, transport } = await pageConnect(page, url);
    expect(transport).toBe("jsonp");
    const socket = peer.sockets.find((s) => s.id === id)!;
    expect(socket).toBeDefined();
    const disconnected = new Promise<string>((resolve) => socket.once("disconnect", resolve));
    const result = await page.evaluate(async (strings) => {
      const w = window as unknown as ConnectWindow;
      const sock = w.sock;
      const acked = await sock.emitWithAck("echo", strings); // (resolves with the first ack argument)
      const bytes = new Uint8Array(256).map((_, i) => i);
      const back = new Promise<unknown>((resolve) => sock.once("bin-back", resolve));
      sock.emit("bin", bytes.buffer);
      const bin = await back;
      const lastBurst = new Promise<void>((resolve, reject) => {
        sock.on("burst", (i) => i === 999 && resolve());
        setTimeout(() => reject(new Error("burst not complete within 30 s")), 30_000);
      });
      for (let i = 0; i < 1000; i++) sock.emit("up", i);
      sock.emit("burst-please", 1000);
      await lastBurst;
      await sock.emitWithAck("echo", "flushed");
      return {
        acked,
        bin: bin instanceof ArrayBuffer ? [...new Uint8Array(bin)] : String(bin),
        burst: w.seen.filter((e) => e[0] === "burst").map((e) => e[1]),
        whoami: w.seen.filter((e) => e[0] === "whoami"),
        transport: sock.io.transport,
        injections: w.__injections,
      };
    }, TRICKY);
    expect(result.acked).toEqual(TRICKY);
    expect(result.bin).toEqual([...Array(256).keys()].reverse());
    expect(result.burst).toEqual([...Array(1000).keys()]);
    expect(result.whoami).toEqual([["whoami", id]]);
    expect(result.transport).toBe("jsonp");
    expect(result.injections).toBe(0);
    expect(peer.received.get(id)!.filter((e) => e[0] === "up").map((e) => e[1])).toEqual([...Array(1000).keys()]);
    expect(peer.maxInFlight).toEqual({ GET: 1, POST: 1 });
    await page.evaluate(() => (window as unknown as ConnectWindow).sock.disconnect());
    await page.waitForFunction(
      () => {
        const l = (window as unknown as ConnectWindow).leftovers();
        return l.scripts === 0 && l.forms === 0 && l.iframes === 0 && l.slotFunctions === 0;
      },
      undefined,
      { timeout: DEADLINE },
    );
    await withDeadline(disconnected, 5_000, "server-side disconnect");
    expect(errors).toEqual([]);
  });

  it("handshakes over jsonp, upgrades to websocket (pause), and leaves no JSONP trace", async () => {
    const page = await openConnectPage();
    const url = peer.base.replace(/\/socket\.io\/$/, "");
    const { id } = await pageConnect(page, url, true);
    const result = await page.evaluate(async () => {
      const w = window as unknown as ConnectWindow;
      const sock = w.sock;
      if (sock.io.transport !== "websocket") {
        await new Promise<void>((resolve, reject) => {
          sock.io.on("upgrade", () => resolve());
          sock.io.on("upgradeError", (e) => reject(new Error(`upgradeError: ${JSON.stringify(e)}`)));
          setTimeout(() => reject(new Error("no upgrade within 15 s")), 15_000);
        });
      }
      const ack = await sock.emitWithAck("echo", "after upgrade");
      return { transport: sock.io.transport, ack, left: w.leftovers() };
    });
    expect(result.transport).toBe("websocket");
    expect(result.ack).toBe("after upgrade");
    await page.waitForFunction(
      () => {
        const l = (window as unknown as ConnectWindow).leftovers();
        return l.scripts === 0 && l.forms === 0 && l.iframes === 0 && l.slotFunctions === 0;
      },
      undefined,
      { timeout: DEADLINE },
    );
    expect(peer.sockets.find((s) => s.id === id)).toBeDefined();
    await page.evaluate(() => (window as unknown as ConnectWindow).sock.disconnect());
  });
});

describe("jsonp keeps every POST under the server's maxPayload (form-encoded size)", () => {
  it("splits a burst a 4 kB stock server would refuse in one POST (413) into POSTs it accepts", async () => {
    const peer = await startPeer("socket.io@4.8", 4_000);
    try {
      const page = await openPage();
      const sid = await page.evaluate(async (base) => {
        const w = window as unknown as PageWindow;
        const d = (w.drivers = { a: new w.Driver(base, {}, 4_000) }).a!;
        return (await d.connect()).sid;
      }, peer.base);
      const text = "é<\"&+ ".repeat(15); // ~3x when form-encoded: 200 of these are ~100 kB
      const result = await page.evaluate(async (text) => {
        const d = (window as unknown as PageWindow).drivers.a!;
        for (let i = 0; i < 200; i++) d.emit("up", i, text);
        return { ack: await d.emitWithAck("echo", "done"), closed: d.closed ?? null };
      }, text);
      expect(result).toEqual({ ack: ["done"], closed: null });
      const up = peer.received.get(sid)!.filter((e) => e[0] === "up");
      expect(up.map((e) => e[1])).toEqual([...Array(200).keys()]);
      expect(up.every((e) => e[2] === text)).toBe(true);
      await closeAndExpectClean(page, "a");
    } finally {
      await peer.close();
    }
  });
});

describe("jsonp failure paths", () => {
  const servers: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  /** Open a transport on `base` in the page; resolves with what it reported to onClose. */
  const openAndWaitClose = (page: Page, base: string, options: Record<string, unknown>) =>
    page.evaluate(
      async ({ base, options }) => {
        const w = window as unknown as PageWindow;
        const d = new w.Driver(base, options);
        w.drivers = { x: d };
        (d as unknown as { transport: { open(): void } }).transport.open();
        await d.until(() => d.closed, 20_000, "onClose");
        return d.closed!;
      },
      { base, options },
    );

  it("turns a refused connection (script onerror) into a TransportError and cleans up", async () => {
    const dead = await startRawServer(() => {});
    const base = dead.base;
    await dead.close(); // nothing listens there any more
    const page = await openPage();
    const closed = await openAndWaitClose(page, base, {});
    expect(closed.reason).toBe("transport error");
    expect(closed.error).toMatchObject({ name: "TransportError", transport: "jsonp" });
    expect(closed.error!.message).toContain("script error");
    expect(await leftovers(page)).toMatchObject({ scripts: 0, forms: 0, iframes: 0, slotFunctions: 0 });
  });

  it("turns an HTTP error status (stock 400 JSON) into a TransportError", async () => {
    const server = await startRawServer((_req, res) => {
      res.writeHead(400, { "Content-Type": "application/json" });
      res.end('{"code":3,"message":"Bad request"}');
    });
    servers.push(server);
    const page = await openPage();
    const closed = await openAndWaitClose(page, server.base, {});
    expect(closed.error).toMatchObject({ name: "TransportError" });
    expect(closed.error!.message).toContain("script error");
  });

  it("turns a script that never calls back into a TransportError", async () => {
    const server = await startRawServer((_req, res) => {
      res.writeHead(200, { "Content-Type": "application/javascript" });
      res.end("/* not a JSONP answer */");
    });
    servers.push(server);
    const page = await openPage();
    const closed = await openAndWaitClose(page, server.base, {});
    expect(closed).toMatchObject({ reason: "transport error", error: { name: "TransportError", transport: "jsonp" } });
    expect(closed.error!.message).toContain("no ___eio call");
    expect(await leftovers(page)).toMatchObject({ scripts: 0, slotFunctions: 0 });
  });

  it("a hang is left to the session's deadlines: closing mid-GET cleans up and ignores the late answer", async () => {
    let release: (() => void) | undefined;
    const server = await startRawServer((req, res) => {
      const j = new URL(req.url ?? "/", "http://x").searchParams.get("j") ?? "";
      release = () => {
        res.writeHead(200, { "Content-Type": "application/javascript" });
        res.end(`___eio[${j.replace(/\D/g, "")}]("0{\\"sid\\":\\"late\\",\\"upgrades\\":[],\\"pingInterval\\":25000,\\"pingTimeout\\":20000,\\"maxPayload\\":1000000}");`);
      };
    });
    servers.push(server);
    const page = await openPage();
    await page.evaluate((base) => {
      const w = window as unknown as PageWindow;
      w.drivers = { x: new w.Driver(base) };
      (w.drivers.x as unknown as { transport: { open(): void } }).transport.open();
    }, server.base);
    await withDeadline(
      (async () => {
        while (!release) await new Promise((resolve) => server.http.once("request", resolve));
      })(),
      DEADLINE,
      "the handshake GET",
    );
    // What the session does at its handshake deadline: close the transport.
    await page.evaluate(() => (window as unknown as PageWindow).drivers.x!.close());
    // The slot stays taken while the late script may still come; the DOM is already clean.
    expect(await leftovers(page)).toMatchObject({ scripts: 0, forms: 0, iframes: 0, slotFunctions: 1 });
    release!();
    // The late script runs into the abandoned slot (no packet delivered), then its index is freed.
    await page.waitForFunction(() => (window as unknown as PageWindow).leftovers().slotFunctions === 0, undefined, { timeout: DEADLINE });
    const driver = await page.evaluate(() => {
      const d = (window as unknown as PageWindow).drivers.x!;
      return { sid: d.sid ?? null, closed: d.closed ?? null };
    });
    expect(driver).toEqual({ sid: null, closed: null });
    expect(errors).toEqual([]);
  });
});

describe("@omnio/server JSONP on the wire (Node)", () => {
  let http: HttpServer;
  let engine: EngineServer;
  let base: string;
  const connections: EngineConnection[] = [];
  beforeAll(async () => {
    http = createServer();
    engine = new EngineServer({ pingInterval: 60_000, pingTimeout: 60_000 }).attach(http);
    engine.on("connection", (conn: EngineConnection) => connections.push(conn));
    await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
  });
  afterAll(async () => {
    engine.close();
    http.closeAllConnections();
    await new Promise<void>((ok) => http.close(() => ok()));
  });

  /** Run a JSONP answer as a browser would, with a fake `___eio`; returns what its callback received. */
  const runScript = (body: string, index: number): unknown[] => {
    const calls: unknown[] = [];
    const slots: unknown[] = [];
    slots[index] = (payload: unknown) => calls.push(payload);
    runInNewContext(body, { ___eio: slots });
    return calls;
  };

  it("answers GETs as application/javascript + nosniff, digits of j only, nothing unescaped that could end a script", async () => {
    const handshake = await fetch(`${base}?EIO=4&transport=polling&j=1abc2`);
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get("content-type")).toBe("application/javascript; charset=UTF-8");
    expect(handshake.headers.get("x-content-type-options")).toBe("nosniff");
    const body = await handshake.text();
    expect(body).toMatch(/^___eio\[12\]\("0\{.*\}"\);$/);
    const open = JSON.parse((runScript(body, 12)[0] as string).slice(1)) as { sid: string };
    const conn = connections.find((c) => c.id === open.sid)!;
    const hostile = "</script><script>x()</script>\u2028\u2029<!-- \"quoted\" \\ \n\r";
    conn.send(hostile);
    const poll = await fetch(`${base}?EIO=4&transport=polling&sid=${open.sid}&j=7`);
    const script = await poll.text();
    expect(script).not.toMatch(/[<\u2028\u2029\n\r]/);
    expect(script).toContain("\\u003c/script>");
    expect(runScript(script, 7)).toEqual(["4" + hostile]);
  });

  it("refuses a JSONP GET whose j has no digit", async () => {
    const res = await fetch(`${base}?EIO=4&transport=polling&j=abc`);
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ code: 3, message: "Bad request" });
  });

  it("reads form POSTs (field d) and undoes the client's newline escaping", async () => {
    const handshake = await (await fetch(`${base}?EIO=4&transport=polling&j=0`)).text();
    const { sid } = JSON.parse((runScript(handshake, 0)[0] as string).slice(1)) as { sid: string };
    const conn = connections.find((c) => c.id === sid)!;
    const messages: unknown[] = [];
    conn.on("message", (data: unknown) => messages.push(data));
    // What the client sends for "a<LF>b" and for a literal "c\nd": LF as \n, literal \n as \\n.
    const d = "4a\\nb\x1e4c\\\\nd\x1e4+ & = %";
    const res = await fetch(`${base}?EIO=4&transport=polling&sid=${sid}&j=0`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ d }).toString(),
    });
    expect(res.status).toBe(200);
    expect(messages).toEqual(["a\nb", "c\\nd", "+ & = %"]);
  });

  it("un-escapes exactly as stock engine.io does", async () => {
    const { unescapeNewlines } = await import("../../packages/server/src/engine/transports/jsonp.js");
    const require = createRequire(import.meta.url);
    const { JSONP } = require(join(dirname(require.resolve("engine.io")), "transports/polling-jsonp.js")) as {
      JSONP: { prototype: { onData(this: unknown, body: string): void } };
    };
    const stock = (value: string): string => {
      let out = "";
      const fake = { protocol: 4, parser: { decodePayload: (p: string) => ((out = p), []) }, onPacket() {}, onClose() {} };
      JSONP.prototype.onData.call(fake, new URLSearchParams({ d: value }).toString());
      return out;
    };
    const text = fc.string({ unit: fc.constantFrom("\\", "n", "\n", "a", "\\n", "\\\\n") });
    fc.assert(
      fc.property(text, (value) => {
        expect(unescapeNewlines(value)).toBe(stock(value));
      }),
      { numRuns: 2000 },
    );
  });
});

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

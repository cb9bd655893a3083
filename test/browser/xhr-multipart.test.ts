// @omnio/xhr-multipart in real Chromium, BUILT ESM (packages/*/dist/index.mjs through an import map) against the
// real @omnio/server: forced alone, same-origin and cross-origin (page on 127.0.0.1:A, server on localhost:B with
// `cors` for the page); as an upgrade from polling;
// behind a buffering proxy (the probe misses its deadline, the session stays on polling); and close() leaving no
// request open on the server. Build first: OMNIO_PACKAGES=client,xhr-multipart,polling,websocket npm run build
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { IncomingMessage, Server as HttpServer, ServerResponse } from "node:http";
import type { Socket as NetSocket } from "node:net";
import type { BrowserContext, Page } from "playwright-core";
import { Server } from "@omnio/server";
import { newPage } from "../helpers/browser.js";
import { startStaticServer, type Route, type StaticServer } from "../helpers/static-server.js";
import { until } from "../helpers/wait.js";
import { startFaultProxy } from "../harness/fault-proxy.js";

const DEADLINE = 20_000;

const PAGE = `<!doctype html><meta charset="utf-8"><title>omnio xhr-multipart</title>
<script type="importmap">{"imports":{
  "@omnio/client":"/packages/client/dist/index.mjs",
  "@omnio/xhr-multipart":"/packages/xhr-multipart/dist/index.mjs",
  "@omnio/polling":"/packages/polling/dist/index.mjs",
  "mitt":"/node_modules/mitt/dist/mitt.mjs"}}</script>
<script type="module">
  import { connect, ranked } from "@omnio/client";
  import { xhrMultipart } from "@omnio/xhr-multipart";
  import { polling } from "@omnio/polling";
  const within = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error("page: no " + what + " within " + ms + " ms")), ms))]);
  // One socket per test, kept on window so later evaluate() calls can reach it.
  window.t = {
    log: [],
    open(url, { withPolling = false } = {}) {
      const transports = [xhrMultipart()];
      if (withPolling) transports.push(polling());
      const s = (this.socket = connect(url, { transports, strategy: ranked, reconnectionDelay: 100, reconnectionDelayMax: 500, forceNew: true }));
      for (const e of ["upgrade", "upgradeError", "transport"]) s.io.on(e, (x) => this.log.push({ e, name: x.name, error: x.error && { name: x.error.name, message: x.error.message } }));
      s.on("connect", () => this.log.push({ e: "connect" }));
      s.on("disconnect", (reason) => this.log.push({ e: "disconnect", reason }));
      return within(new Promise((ok, no) => { s.once("connect", ok); s.once("connect_error", no); }), ${DEADLINE}, "connect")
        .then(() => s.io.transport);
    },
    next(event, ms = ${DEADLINE}) { return within(new Promise((ok) => this.socket.once(event, (...a) => ok(a))), ms, event); },
    until(check, ms, what) {
      return within(new Promise((ok) => { const tick = () => (check() ? ok() : setTimeout(tick, 20)); tick(); }), ms, what);
    },
  };
  window.ready = true;
</script>`;

type T = {
  log: Array<{ e: string; name?: string; reason?: string; error?: { name: string; message: string } }>;
  socket: import("@omnio/client").Socket;
  open(url: string, options?: { withPolling?: boolean }): Promise<string>;
  next(event: string, ms?: number): Promise<unknown[]>;
  until(check: () => boolean, ms: number, what: string): Promise<void>;
};
type W = Window & { t: T; ready?: boolean };

const pageRoute: Route = (req, res) => {
  if (!req.url?.startsWith("/xhr-multipart.html")) return false;
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(PAGE);
  return true;
};

/**
 * A Socket.IO server attached to `http` (a static server: Socket.IO's handler goes in front of the files), with the
 * test handlers, and the xhr-multipart stream GETs it is holding open right now.
 */
function socketServer(http: HttpServer, cors?: string) {
  const io = new Server(http, { pingInterval: 5000, pingTimeout: 10_000, ...(cors ? { cors: { origin: cors } } : {}) });
  const streams = new Set<ServerResponse>();
  let opened = 0;
  // prepended after attach: it sees every request before Socket.IO answers it
  http.prependListener("request", (req: IncomingMessage, res: ServerResponse) => {
    if (req.method !== "GET" || !/[?&]transport=xhr-multipart(&|$)/.test(req.url ?? "")) return;
    opened++;
    streams.add(res);
    res.on("close", () => streams.delete(res));
  });
  io.on("connection", (s) => {
    s.on("echo", (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    s.on("burst", (n: number) => {
      for (let i = 0; i < n; i++) s.emit("n", i);
    });
    s.on("big", (size: number) => s.emit("big", "é".repeat(size / 2)));
    s.on("kick", () => s.disconnect(true));
    s.on("drop", () => {
      for (const res of streams) (res.socket as NetSocket | null)?.destroy();
    });
  });
  return { io, streams, opened: () => opened };
}

async function openPage(url: string): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const opened = await newPage();
  await opened.page.goto(url);
  await opened.page.waitForFunction(() => (window as unknown as W).ready === true, undefined, { timeout: DEADLINE });
  return opened;
}

const setups = [{ origin: "same-origin" }, { origin: "cross-origin" }] as const;

describe.each(setups)("xhr-multipart forced alone, $origin", ({ origin }) => {
  let pageServer: StaticServer;
  let ioServer: StaticServer | undefined;
  let server: ReturnType<typeof socketServer>;
  let opened: Awaited<ReturnType<typeof openPage>>;
  let url: string;

  beforeAll(async () => {
    pageServer = await startStaticServer({ routes: [pageRoute] });
    if (origin === "same-origin") {
      server = socketServer(pageServer.server); // page, dist files and Socket.IO on one origin
      url = pageServer.origin;
    } else {
      ioServer = await startStaticServer({ host: "localhost" });
      server = socketServer(ioServer.server, pageServer.origin);
      url = ioServer.origin;
    }
    opened = await openPage(`${pageServer.origin}/xhr-multipart.html`);
  });

  afterAll(async () => {
    await opened?.context.close();
    server?.io.close();
    await ioServer?.close();
    await pageServer?.close();
  });

  it("connects and carries events both ways, acks, binary, a 1,000-event burst in order and a 300 KB payload", async () => {
    const { page } = opened;
    const streamsBefore = server.opened();
    expect(await page.evaluate((u) => (window as unknown as W).t.open(u), url)).toBe("xhr-multipart");
    const result = await page.evaluate(async () => {
      const { t } = window as unknown as W;
      const s = t.socket;
      const echo = await s.timeout(10_000).emitWithAck("echo", { s: "é😀\r\n--x" }, 42);
      const bin = (await s.timeout(10_000).emitWithAck("echo", new Uint8Array([0, 1, 254, 255]))) as ArrayBuffer;
      const got: number[] = [];
      s.on("n", (i: number) => got.push(i));
      s.emit("burst", 1000);
      await t.until(() => got.length >= 1000, 20_000, "1,000 events");
      const bigP = t.next("big");
      s.emit("big", 300_000);
      const [big] = (await bigP) as [string];
      const after = await s.timeout(10_000).emitWithAck("echo", "after the big one");
      return { crossOrigin: new URL(s.io.engine!.base).origin !== location.origin, echo, bin: Array.from(new Uint8Array(bin)), inOrder: got.every((v, i) => v === i), count: got.length, bigOk: big.length === 150_000 && /^é+$/.test(big), after };
    });
    expect(result).toMatchObject({ crossOrigin: origin === "cross-origin", echo: { s: "é😀\r\n--x" }, bin: [0, 1, 254, 255], inOrder: true, count: 1000, bigOk: true, after: "after the big one" });
    // 300 KB went out on one stream, which the server then ended (cycling): the client opened at least a second
    expect(server.opened() - streamsBefore).toBeGreaterThanOrEqual(2);
    expect(opened.errors).toEqual([]);
  });

  it("reconnects after the server drops the connection, and reports a server-initiated close", async () => {
    const { page } = opened;
    const log = await page.evaluate(async () => {
      const { t } = window as unknown as W;
      t.log.length = 0;
      const reconnected = t.next("connect");
      t.socket.emit("drop");
      await reconnected;
      const echo = await t.socket.timeout(10_000).emitWithAck("echo", "again");
      const kicked = t.next("disconnect");
      t.socket.emit("kick");
      await kicked;
      return { log: t.log.filter((l) => l.e === "connect" || l.e === "disconnect"), echo, active: t.socket.active };
    });
    expect(log.echo).toBe("again");
    expect(log.log.map((l) => l.e)).toEqual(["disconnect", "connect", "disconnect"]);
    expect(log.log[0]!.reason).toBe("transport error");
    expect(log.log[2]!.reason).toBe("io server disconnect");
    expect(log.active).toBe(false);
  });

  it("close() leaves no stream request open on the server", async () => {
    const { page } = opened;
    expect(await page.evaluate((u) => (window as unknown as W).t.open(u), url)).toBe("xhr-multipart");
    await until(() => server.streams.size === 1, DEADLINE, "one open stream");
    await page.evaluate(() => (window as unknown as W).t.socket.disconnect());
    await until(() => server.streams.size === 0 && server.io.engine.clientsCount === 0, DEADLINE, "no stream and no session left");
  });
});

describe("xhr-multipart as an upgrade", () => {
  let site: StaticServer;
  let server: ReturnType<typeof socketServer>;
  const pages: BrowserContext[] = [];

  beforeAll(async () => {
    site = await startStaticServer({ routes: [pageRoute] });
    server = socketServer(site.server);
  });
  afterAll(async () => {
    for (const c of pages) await c.close();
    server?.io.close();
    await site?.close();
  });

  it("upgrades from polling to xhr-multipart and keeps working there", async () => {
    const { context, page, errors } = await openPage(`${site.origin}/xhr-multipart.html`);
    pages.push(context);
    // The upgrade may be done by the time connect resolves: the handshake transport is read from the event log.
    await page.evaluate((u) => (window as unknown as W).t.open(u, { withPolling: true }), site.origin);
    const result = await page.evaluate(async () => {
      const { t } = window as unknown as W;
      await t.until(() => t.socket.io.transport === "xhr-multipart", 15_000, "the upgrade");
      return { echo: await t.socket.timeout(10_000).emitWithAck("echo", "upgraded"), log: t.log.filter((l) => l.e !== "connect") };
    });
    expect(result.log[0]).toEqual({ e: "transport", name: "polling" });
    expect(result.echo).toBe("upgraded");
    expect(result.log).toContainEqual({ e: "upgrade", name: "xhr-multipart" });
    expect([...server.io.engine.clients.values()].map((c) => c.transport)).toEqual(["xhr-multipart"]);
    expect(errors).toEqual([]);
  });

  it("behind a buffering proxy: the probe misses its deadline, the session stays on polling", async () => {
    const proxy = await startFaultProxy({ target: site.origin, scenario: { bufferResponses: { transport: "xhr-multipart" } } });
    try {
      const { context, page } = await openPage(`${proxy.origin}/xhr-multipart.html`);
      pages.push(context);
      expect(await page.evaluate((u) => (window as unknown as W).t.open(u, { withPolling: true }), proxy.origin)).toBe("polling");
      const result = await page.evaluate(async () => {
        const { t } = window as unknown as W;
        await t.until(() => t.log.some((l) => l.e === "upgradeError"), 15_000, "the upgradeError");
        const echo = await t.socket.timeout(10_000).emitWithAck("echo", "still here");
        return { log: t.log, transport: t.socket.io.transport, echo, ranking: t.socket.io.ranking() };
      });
      expect(result.transport).toBe("polling");
      expect(result.echo).toBe("still here");
      const failure = result.log.find((l) => l.e === "upgradeError")!;
      expect(failure.name).toBe("xhr-multipart");
      expect(failure.error!.name).toBe("TimeoutError");
      expect(failure.error!.message).toBe("upgrade: no 3probe");
      expect(result.log.some((l) => l.e === "upgrade")).toBe(false);
      expect(proxy.stats.actions.bufferResponses).toBeGreaterThan(0);
      // The ranking says why: the stream's probe came late, so something buffers it.
      const row = result.ranking.find((r) => r.name === "xhr-multipart")!;
      expect(row.last).toBe("buffered");
    } finally {
      await proxy.close();
    }
  });
});

// Fallback in real Chromium behind the network-fault proxy (test/harness/fault-proxy.ts): the page loads the BUILT
// UMD (packages/omnio/dist/omnio.min.js) through the proxy and calls io() with the default transports against
// @omnio/server (all six transports). Per fault, the client must end connected on the best transport that works
// there, every event sent both ways (acked on the way up) must arrive exactly once and in order, and ranking()
// must explain the outcome. Also: a reload starts on the remembered transport, a page without WebSocket, and an
// origin whose WebSocket recovers is upgraded again once the penalty expired; a cross-origin server without CORS.
// Each test gets a fresh proxy (a fresh origin, so fresh transport memory) and a fresh browser context.
// Build first: OMNIO_PACKAGES=client,omnio npm run build (the UMD bundles every transport).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { Server, type Socket as ServerSocket } from "@omnio/server";
import type { RankingRow } from "@omnio/client";
import { newPage } from "../helpers/browser.js";
import { startStaticServer, type Route, type StaticServer } from "../helpers/static-server.js";
import { startFaultProxy, type FaultProxy, type FaultScenario } from "../harness/fault-proxy.js";
import { assertBuilt } from "../helpers/built.js";

const UMD = fileURLToPath(new URL("../../packages/omnio/dist/omnio.min.js", import.meta.url));
const DEADLINE = 15_000;
/** Short, fixed probe deadline for the scenarios that hang on purpose (CI time budget); others use the RTT. */
const PROBE_TIMEOUT = 1_500;

const PAGE = `<!doctype html><meta charset="utf-8"><title>omnio fallback</title>
<script src="/packages/omnio/dist/omnio.min.js"></script>
<script>
  const within = (p, ms, what) => Promise.race([p, new Promise((_, no) => setTimeout(() => no(new Error("page: no " + what + " within " + ms + " ms")), ms))]);
  window.t = {
    log: [], got: [],
    open(opts = {}) {
      const { url = location.origin, ...rest } = opts;
      const s = (this.s = io(url, { forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300, ...rest }));
      for (const e of ["transport", "upgrade", "upgradeError"]) s.io.on(e, (x) => this.log.push({ e, name: x.name, reason: x.reason, error: x.error && x.error.name + ": " + x.error.message }));
      s.on("connect", () => this.log.push({ e: "connect" }));
      s.on("disconnect", (reason) => this.log.push({ e: "disconnect", reason }));
      s.on("srv", (tag, i) => this.got.push(tag + ":" + i));
      return within(new Promise((ok, no) => { s.once("connect", ok); s.once("connect_error", no); }), ${DEADLINE}, "connect").then(() => s.io.transport);
    },
    // n acked events up (all in flight at once), then n events down; resolves when every one arrived.
    async exchange(tag, n) {
      const s = this.s;
      const acks = await within(Promise.all(Array.from({ length: n }, (_, i) => s.emitWithAck("seq", tag, i))), ${DEADLINE}, "acks of " + tag);
      await within(s.emitWithAck("push", tag, n), ${DEADLINE}, "push " + tag);
      return acks;
    },
    until(check, ms = ${DEADLINE}, what = "condition") {
      return within(new Promise((ok) => { const tick = () => (check() ? ok() : setTimeout(tick, 20)); tick(); }), ms, what);
    },
    count(e, name) { return this.log.filter((l) => l.e === e && (name === undefined || l.name === name)).length; },
  };
  window.ready = true;
</script>`;

interface LogEntry {
  e: string;
  name?: string;
  reason?: string;
  error?: string;
}
interface PageApi {
  log: LogEntry[];
  got: string[];
  s: import("@omnio/client").Socket;
  open(opts?: Record<string, unknown>): Promise<string>;
  exchange(tag: string, n: number): Promise<number[]>;
  until(check: () => boolean, ms?: number, what?: string): Promise<void>;
  count(e: string, name?: string): number;
}
type W = Window & { t: PageApi; ready?: boolean; WebSocket?: unknown };

const pageRoute: Route = (req, res) => {
  if (!req.url?.startsWith("/fallback.html")) return false;
  res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" });
  res.end(PAGE);
  return true;
};

let site: StaticServer;
let io: Server;
/** Client → server events as the server's handlers saw them, `tag:i`, across every session. */
const received: string[] = [];
const cleanups: Array<() => unknown> = [];

beforeAll(async () => {
  site = await startStaticServer({ routes: [pageRoute] });
  io = new Server(site.server, { pingInterval: 5_000, pingTimeout: 10_000, connectTimeout: 10_000 });
  io.on("connection", (s: ServerSocket) => {
    s.on("seq", (tag: string, i: number, ack: (i: number) => void) => {
      received.push(`${tag}:${i}`);
      ack(i);
    });
    s.on("push", (tag: string, n: number, ack: () => void) => {
      for (let i = 0; i < n; i++) s.emit("srv", tag, i);
      ack(); // after the events on the same socket: when the ack is in, so are they
    });
  });
});
afterAll(async () => {
  io?.close();
  await site?.close();
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  received.length = 0;
});

async function proxied(scenario: FaultScenario): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: site.origin, scenario, maxLifetimeMs: 60_000 });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function openPage(origin: string, context?: BrowserContext, init?: () => void): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const opened = context ? { context, page: await context.newPage(), errors: [] as Error[] } : await newPage();
  if (context) opened.page.on("pageerror", (e) => opened.errors.push(e));
  else cleanups.push(() => opened.context.close());
  if (init) await opened.page.addInitScript(init);
  await opened.page.goto(`${origin}/fallback.html`);
  await opened.page.waitForFunction(() => (window as unknown as W).ready === true, undefined, { timeout: DEADLINE });
  return opened;
}

const t = (page: Page) => ({
  open: (opts: Record<string, unknown> = {}) => page.evaluate((o) => (window as unknown as W).t.open(o), opts),
  exchange: (tag: string, n = 5) => page.evaluate(([g, k]) => (window as unknown as W).t.exchange(g, k), [tag, n] as const),
  /** Waits in the page until `count(e, name) >= n`. */
  seen: (e: string, name: string | undefined, n = 1) =>
    page.evaluate(([ev, nm, k]) => (window as unknown as W).t.until(() => (window as unknown as W).t.count(ev, nm ?? undefined) >= k, 20_000, `${k}× ${ev} ${nm ?? ""}`), [e, name ?? null, n] as const),
  state: () =>
    page.evaluate(() => {
      const w = (window as unknown as W).t;
      return { transport: w.s.io.transport, connected: w.s.connected, log: w.log, got: w.got, ranking: w.s.io.ranking() as RankingRow[] };
    }),
});

/** Every event of `tags` arrived exactly once and in order, both ways. */
function expectExactlyOnce(got: string[], tags: string[], n = 5): void {
  const want = tags.flatMap((tag) => Array.from({ length: n }, (_, i) => `${tag}:${i}`));
  expect(received).toEqual(want);
  expect(got).toEqual(want);
}
const row = (ranking: RankingRow[], name: string) => ranking.find((r) => r.name === name)!;
const handshakeOf = (log: LogEntry[]) => log.find((l) => l.e === "transport" && l.reason === "handshake")?.name;

assertBuilt(UMD);

describe("fallback behind a faulty network (Chromium, io() defaults, @omnio/server)", () => {
  it("WebSocket refused (403): ends on xhr-multipart, the websocket row says it failed", async () => {
    const proxy = await proxied({ refuseWebSocket: 403 });
    const { page, errors } = await openPage(proxy.origin);
    const p = t(page);
    await p.open();
    await p.exchange("a"); // while the upgrades are being probed
    await p.seen("upgrade", "xhr-multipart");
    await p.exchange("b");
    const s = await p.state();
    expect(handshakeOf(s.log)).toBe("polling");
    expect(s.transport).toBe("xhr-multipart");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(s.log.find((l) => l.e === "upgradeError")).toMatchObject({ name: "websocket", error: expect.stringMatching(/^TransportError/) });
    expect(row(s.ranking, "websocket")).toMatchObject({ supported: true, last: "failed", reason: expect.stringMatching(/^failed just now on this origin/) });
    expect(row(s.ranking, "xhr-multipart")).toMatchObject({ last: "ok" });
    expect(s.ranking[0]!.name).toBe("xhr-multipart"); // best first: websocket is ranked down
    expect(proxy.stats.actions.refuseWebSocket).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  });

  it("WebSocket upgrade hanging: the probe fails at its deadline, ends on xhr-multipart", async () => {
    const proxy = await proxied({ hangWebSocket: true });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    const started = Date.now();
    await p.open({ probeTimeout: PROBE_TIMEOUT });
    await p.exchange("a");
    await p.seen("upgrade", "xhr-multipart");
    expect(Date.now() - started).toBeLessThan(PROBE_TIMEOUT + 8_000); // a hang costs its deadline, not 20 s
    await p.exchange("b");
    const s = await p.state();
    expect(handshakeOf(s.log)).toBe("polling");
    expect(s.transport).toBe("xhr-multipart");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(s.log.find((l) => l.e === "upgradeError")).toMatchObject({ name: "websocket", error: "TimeoutError: upgrade: no 3probe" });
    expect(row(s.ranking, "websocket")).toMatchObject({ last: "timeout", reason: expect.stringMatching(/^timed out/) });
    expect(proxy.stats.actions.hangWebSocket).toBeGreaterThan(0);
  });

  it("WebSocket cut after 1.5 s, twice: recovers each time without losing an acked or buffered emit, then avoids it", async () => {
    const proxy = await proxied({ cutWebSocket: { afterMs: 1_500 } });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    await p.open();
    await p.seen("transport", "websocket");
    await p.exchange("a");
    await p.seen("disconnect", undefined, 1);
    await p.exchange("b"); // emitted while disconnected: buffered, sent on reconnect
    await p.seen("disconnect", undefined, 2);
    await p.exchange("c");
    await p.seen("upgrade", "xhr-multipart"); // websocket died twice: ranked down, the next best is used
    await p.exchange("d");
    const s = await p.state();
    expect(s.transport).toBe("xhr-multipart");
    expectExactlyOnce(s.got, ["a", "b", "c", "d"]);
    expect(s.log.filter((l) => l.e === "disconnect").map((l) => l.reason)).toEqual(["transport error", "transport error"]);
    expect(row(s.ranking, "websocket")).toMatchObject({ last: "failed", reason: "died 2 times this session" });
    expect(proxy.stats.actions.cutWebSocket).toBe(2);
  });

  it("buffering proxy (and WebSocket refused): both streaming probes are late, 'buffered', ends on polling", async () => {
    const proxy = await proxied({ bufferResponses: true, refuseWebSocket: 403 });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    await p.open({ probeTimeout: PROBE_TIMEOUT });
    await p.exchange("a");
    await p.seen("upgradeError", "htmlfile");
    await p.exchange("b");
    const s = await p.state();
    expect(handshakeOf(s.log)).toBe("polling");
    expect(s.transport).toBe("polling");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(s.log.filter((l) => l.e === "upgradeError").map((l) => l.name)).toEqual(["websocket", "xhr-multipart", "htmlfile"]);
    for (const name of ["xhr-multipart", "htmlfile"]) {
      expect(row(s.ranking, name)).toMatchObject({ last: "buffered", reason: expect.stringMatching(/was buffered by a proxy/) });
    }
    expect(s.ranking[0]!.name).toBe("polling");
  });

  it("150 ms delay on every request: still ends on websocket, the deadline follows the measured RTT", async () => {
    const proxy = await proxied({ delayMs: 150 });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    await p.open(); // no probeTimeout: the RTT-derived deadline must fit a slow link
    await p.exchange("a");
    await p.seen("upgrade", "websocket");
    await p.exchange("b");
    const s = await p.state();
    expect(handshakeOf(s.log)).toBe("polling");
    expect(s.transport).toBe("websocket");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(s.log.some((l) => l.e === "upgradeError")).toBe(false);
    expect(row(s.ranking, "websocket")).toMatchObject({ last: "ok", rttMs: expect.any(Number) });
    expect(row(s.ranking, "websocket").rttMs).toBeGreaterThanOrEqual(150);
    expect(row(s.ranking, "polling").rttMs).toBeGreaterThanOrEqual(150);
  });

  it("502 on polling: handshakes on JSONP at once, upgrades to websocket", async () => {
    const proxy = await proxied({ failTransport: { name: "polling", status: 502 } });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    await p.open();
    await p.exchange("a");
    await p.seen("upgrade", "websocket");
    await p.exchange("b");
    const s = await p.state();
    expect(handshakeOf(s.log)).toBe("jsonp");
    expect(s.transport).toBe("websocket");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(row(s.ranking, "polling")).toMatchObject({ last: "failed", reason: expect.stringMatching(/^failed just now/) });
    expect(row(s.ranking, "jsonp")).toMatchObject({ last: "ok" });
    expect(proxy.stats.actions.failTransport).toBeGreaterThan(0);
  });

  it("a stream dropped mid-response (WebSocket refused): xhr-multipart fails, ends on htmlfile", async () => {
    const proxy = await proxied({ refuseWebSocket: 403, dropMidResponse: { afterBytes: 40, transport: "xhr-multipart" } });
    const { page } = await openPage(proxy.origin);
    const p = t(page);
    await p.open({ probeTimeout: PROBE_TIMEOUT });
    await p.exchange("a");
    await p.seen("upgrade", "htmlfile");
    await p.exchange("b");
    const s = await p.state();
    expect(s.transport).toBe("htmlfile");
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(s.log.filter((l) => l.e === "upgradeError").map((l) => l.name)).toEqual(["websocket", "xhr-multipart"]);
    expect(row(s.ranking, "xhr-multipart")).toMatchObject({ last: "failed" });
    expect(proxy.stats.actions.dropMidResponse).toBeGreaterThan(0);
  });

  it("remembers: a reload starts on the working transport; once WebSocket recovers and the penalty expired, it upgrades again", async () => {
    const proxy = await proxied({ refuseWebSocket: 403 });
    const first = await openPage(proxy.origin);
    await t(first.page).open();
    await t(first.page).seen("upgrade", "xhr-multipart");
    await first.page.close();

    // Reload (same context, same localStorage): straight onto xhr-multipart, no websocket attempt.
    const upgradesBefore = proxy.stats.upgrades;
    const second = await openPage(proxy.origin, first.context);
    const p2 = t(second.page);
    expect(await p2.open()).toBe("xhr-multipart");
    await p2.exchange("a");
    const s2 = await p2.state();
    expect(s2.log[0]).toEqual({ e: "transport", name: "xhr-multipart", reason: "handshake" });
    expectExactlyOnce(s2.got, ["a"]);
    expect(proxy.stats.upgrades).toBe(upgradesBefore);
    await second.page.close();

    // WebSocket works again; 11 minutes later (the stored records aged, as the clock would) it is probed and used.
    proxy.setScenario({});
    const third = await openPage(proxy.origin, first.context, () => {
      const key = "omnio:transports:v1";
      const data = JSON.parse(localStorage.getItem(key) ?? "{}") as { origins?: Array<{ used: number; transports: Record<string, { at: number }> }> };
      for (const o of data.origins ?? []) {
        o.used -= 11 * 60_000;
        for (const r of Object.values(o.transports)) r.at -= 11 * 60_000;
      }
      localStorage.setItem(key, JSON.stringify(data));
    });
    const p3 = t(third.page);
    const before = await third.page.evaluate(() => (window as unknown as W).t.open().then(() => (window as unknown as W).t.s.io.ranking()));
    expect(row(before, "websocket").reason).toMatch(/^failed 11 min ago on this origin; trying again/);
    await p3.seen("upgrade", "websocket");
    const s3 = await p3.state();
    expect(s3.transport).toBe("websocket");
    expect(row(s3.ranking, "websocket")).toMatchObject({ last: "ok" });
  });

  it("cross-origin without CORS: polling fails, JSONP opens the session at once, then websocket", async () => {
    const pageSite = await startStaticServer({ routes: [pageRoute], host: "localhost" });
    cleanups.push(() => pageSite.close());
    const { page } = await openPage(pageSite.origin);
    const p = t(page);
    await p.open({ url: site.origin }); // @omnio/server without a `cors` option: no CORS headers
    await p.exchange("a");
    await p.seen("upgrade", "websocket");
    await p.exchange("b");
    const s = await p.state();
    expect(s.log.filter((l) => l.e === "transport").map((l) => `${l.name}:${l.reason}`)).toEqual(["jsonp:handshake", "websocket:upgrade"]);
    expectExactlyOnce(s.got, ["a", "b"]);
    expect(row(s.ranking, "polling")).toMatchObject({ supported: true, last: "failed" });
    expect(row(s.ranking, "xhr-multipart")).toMatchObject({ supported: true });
  });

  it("a page without window.WebSocket: websocket is unsupported with a reason, ends on xhr-multipart", async () => {
    const proxy = await proxied({});
    const { page } = await openPage(proxy.origin, undefined, () => {
      delete (window as unknown as W).WebSocket;
    });
    const p = t(page);
    await p.open();
    await p.seen("upgrade", "xhr-multipart");
    await p.exchange("a");
    const s = await p.state();
    expect(s.transport).toBe("xhr-multipart");
    expectExactlyOnce(s.got, ["a"]);
    expect(row(s.ranking, "websocket")).toMatchObject({ supported: false, score: 0, reason: expect.stringMatching(/WebSocket/) });
    expect(proxy.stats.upgrades).toBe(0);
  });
});

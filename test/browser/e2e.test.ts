// End to end in Chromium against what `npm start` runs (demo/server.mjs's startDemo: @omnio/server with every
// transport, serving the built client as /socket.io/socket.io.js): the seed example page at /example does what
// the seed describes and ends upgraded to WebSocket; the same served script forced to WebSocket only and to
// polling only; and a page whose window.WebSocket was deleted still connects. (The seed example on a bare server,
// in Node and Chromium, is test/server/seed-example.test.ts; the chat UI is test/browser/demo.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import type { Page } from "playwright-core";
import { startDemo, type Demo } from "../../demo/server.mjs";
import { newPage } from "../helpers/browser.js";
import { until } from "../helpers/wait.js";
import { assertBuilt } from "../helpers/built.js";

const UMD = fileURLToPath(new URL("../../packages/omnio/dist/omnio.min.js", import.meta.url));
const DEADLINE = 15_000;

type W = Window & {
  socket: import("@omnio/client").Socket;
  io: (url: string, opts: Record<string, unknown>) => import("@omnio/client").Socket;
  WebSocket?: unknown;
};

let demo: Demo;
const lines: string[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, host: "127.0.0.1", log: (l: string) => lines.push(l) });
});
afterAll(async () => {
  await demo?.close();
});

async function examplePage(init?: () => void): Promise<{ page: Page; errors: Error[] }> {
  const { context, page, errors } = await newPage();
  cleanups.push(() => context.close());
  if (init) await page.addInitScript(init);
  await page.goto(`${demo.url}/example`);
  await page.waitForFunction(() => document.getElementById("log")?.textContent?.includes("news:"), undefined, { timeout: DEADLINE });
  return { page, errors };
}
const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.splice(0)) await c();
});

/** Connects a second socket on the page with the served `io`, forced to `transports`; resolves its story. */
function forced(page: Page, transports: string[], marker: string) {
  return page.evaluate(
    ([ts, mark, ms]) =>
      new Promise<{ log: string[]; news: unknown; transport: string | null }>((resolve, reject) => {
        const w = window as unknown as W;
        const s = w.io(location.origin, { transports: ts, forceNew: true, reconnection: false });
        const log: string[] = [];
        s.io.on("transport", (e: { name: string; reason: string }) => log.push(`${e.name}:${e.reason}`));
        s.io.on("upgradeError", (e: { name: string }) => log.push(`upgradeError:${e.name}`));
        const timer = setTimeout(() => reject(new Error(`page: no news within ${ms} ms (${log.join(", ")})`)), ms);
        s.on("connect_error", (e: Error) => reject(e));
        s.on("news", (news: unknown) => {
          clearTimeout(timer);
          s.emit("my other event", { my: mark });
          resolve({ log, news, transport: s.io.transport });
        });
      }),
    [transports, marker, DEADLINE] as const,
  );
}

/** Transport names of the server's Engine.IO sessions. */
const serverTransports = () => [...(demo.io.engine.clients.values() as Iterable<{ transport: string }>)].map((c) => c.transport);

assertBuilt(UMD);

describe("npm start in Chromium", () => {
  it("the seed example page: news arrives, the answer is logged by the server, the client ends on websocket", async () => {
    const { page, errors } = await examplePage();
    expect(await page.textContent("#log")).toContain('news: {"hello":"world"}');
    await until(() => lines.includes('my other event {"my":"data"}'), DEADLINE, "the server to log the answer");
    await page.waitForFunction(() => (window as unknown as W).socket.io.transport === "websocket", undefined, { timeout: DEADLINE });
    const ranking = await page.evaluate(() => (window as unknown as W).socket.io.ranking());
    expect(ranking[0]).toMatchObject({ name: "websocket", supported: true, last: "ok" });
    expect(await page.textContent("#transport")).toMatch(/^(polling|websocket)$/);
    expect(errors).toEqual([]);
  });

  it("forced WebSocket only: handshakes on it directly, no HTTP transport involved", async () => {
    const { page } = await examplePage();
    const story = await forced(page, ["websocket"], "ws-only");
    expect(story).toMatchObject({ news: { hello: "world" }, transport: "websocket", log: ["websocket:handshake"] });
    await until(() => lines.includes('my other event {"my":"ws-only"}'), DEADLINE, "the ws-only answer");
    expect(serverTransports()).toContain("websocket");
  });

  it("forced polling only: stays on polling, never probes anything", async () => {
    const { page } = await examplePage();
    const story = await forced(page, ["polling"], "polling-only");
    expect(story).toMatchObject({ news: { hello: "world" }, transport: "polling", log: ["polling:handshake"] });
    await until(() => lines.includes('my other event {"my":"polling-only"}'), DEADLINE, "the polling-only answer");
    expect(serverTransports()).toContain("polling");
  });

  it("a page whose window.WebSocket was deleted still connects (and upgrades to a streaming transport)", async () => {
    const { page, errors } = await examplePage(() => {
      delete (window as unknown as W).WebSocket;
    });
    expect(await page.textContent("#log")).toContain('news: {"hello":"world"}');
    const state = await page.evaluate(() => {
      const s = (window as unknown as W).socket;
      return { hasWs: "WebSocket" in window, connected: s.connected, ranking: s.io.ranking() };
    });
    expect(state.hasWs).toBe(false);
    expect(state.connected).toBe(true);
    expect(state.ranking.find((r) => r.name === "websocket")).toMatchObject({ supported: false });
    await page.waitForFunction(() => (window as unknown as W).socket.io.transport === "xhr-multipart", undefined, { timeout: DEADLINE });
    expect(errors).toEqual([]);
  });
});

// The `npm start` example (demo/seed-example): in Node with the real socket.io-client, and in Chromium with
// the page loading `/socket.io/socket.io.js` from the server as the seed's README example does.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { io as ioc } from "socket.io-client";
import { Server } from "@omnio/server";
// @ts-expect-error -- plain ESM demo module without type declarations
import { attachSeedExample, seedPage } from "../../demo/seed-example/app.mjs";
import { listen, recordingLogger, until, waitFor } from "../../packages/server/test/helpers.js";
import { newPage } from "../helpers/browser.js";
import { assertBuilt } from "../helpers/built.js";

const UMD = fileURLToPath(new URL("../../packages/omnio/dist/omnio.min.js", import.meta.url));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startDemo() {
  const lines: string[] = [];
  const http = createServer(seedPage());
  const io = new Server(http, { logger: recordingLogger() });
  (attachSeedExample as (io: Server, log: (l: string) => void) => void)(io, (l) => lines.push(l));
  const { url } = await listen(http);
  cleanups.push(() => io.close());
  return { url, lines };
}

describe("the seed example", () => {
  it("sends news and logs the answer and the disconnect (socket.io-client)", async () => {
    const { url, lines } = await startDemo();
    const client = ioc(url, { forceNew: true, reconnection: false });
    cleanups.push(() => client.disconnect());
    const [news] = await waitFor<[unknown]>(client, "news");
    expect(news).toEqual({ hello: "world" });
    client.emit("my other event", { my: "data" });
    await until(() => lines.some((l) => l === 'my other event {"my":"data"}'), 5000, "the server to log the answer");
    client.disconnect();
    await until(() => lines.some((l) => /^disconnect .+: client namespace disconnect$/.test(l)), 5000, "the disconnect log");
  });

  it("runs in Chromium with the served client script", async () => {
    assertBuilt(UMD);
    const { url, lines } = await startDemo();
    const { context, page, errors } = await newPage();
    cleanups.push(() => context.close());
    await page.goto(url + "/");
    await page.waitForFunction(() => document.getElementById("log")?.textContent?.includes("news:"), undefined, { timeout: 15_000 });
    expect(await page.textContent("#log")).toContain('news: {"hello":"world"}');
    await until(() => lines.includes('my other event {"my":"data"}'), 10_000, "the server to log the answer");
    await context.close();
    await until(() => lines.some((l) => l.startsWith("disconnect ")), 10_000, "the disconnect log");
    expect(errors).toEqual([]);
  });
});

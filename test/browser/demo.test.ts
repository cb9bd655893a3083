// The `npm start` demo (demo/) in real Chromium: two pages chat through the demo server on every transport in
// turn (forced with the panel's "Only" buttons), with delivery ticks, the typing indicator, a binary file share,
// the fallback under "network weather", and messages written offline delivered after the reconnection.
// Screenshots for the README (demo/screenshots/) are written only with OMNIO_SCREENSHOTS=1.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import type { BrowserContext, Page } from "playwright-core";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { startDemo, type Demo } from "../../demo/server.mjs";
import { newPage } from "../helpers/browser.js";
import { until, waitFor } from "../helpers/wait.js";
import { assertBuilt } from "../helpers/built.js";

const UMD = fileURLToPath(new URL("../../packages/omnio/dist/omnio.min.js", import.meta.url));
const RUFFLE_JS = fileURLToPath(new URL("../../node_modules/@ruffle-rs/ruffle/ruffle.js", import.meta.url));
const SHOTS = process.env.OMNIO_SCREENSHOTS === "1";
const shot = (name: string) => fileURLToPath(new URL(`../../demo/screenshots/${name}`, import.meta.url));

// Ruffle needs seconds to start bridge.swf on a busy machine; the others connect in well under a second.
const CONNECT_MS = 30_000;
const FLASH_MS = 60_000;
const DELIVERY_MS = 15_000;

/** A 240×120 PNG drawn by Chromium: a picture worth sharing, its bytes known to the test. */
async function drawPng(page: Page): Promise<Buffer> {
  const url = await page.evaluate(() => {
    const canvas = document.createElement("canvas");
    canvas.width = 240;
    canvas.height = 120;
    const g = canvas.getContext("2d")!;
    const sky = g.createLinearGradient(0, 0, 240, 120);
    sky.addColorStop(0, "#4f46e5");
    sky.addColorStop(1, "#06b6d4");
    g.fillStyle = sky;
    g.fillRect(0, 0, 240, 120);
    g.fillStyle = "#fff";
    g.font = "bold 30px sans-serif";
    g.fillText("omnio", 74, 70);
    return canvas.toDataURL("image/png");
  });
  return Buffer.from(url.slice(url.indexOf(",") + 1), "base64");
}

interface Chat {
  context: BrowserContext;
  page: Page;
  errors: Error[];
}

let demo: Demo;
const opened: Chat[] = [];

beforeAll(async () => {
  demo = await startDemo({ port: 0, host: "127.0.0.1" });
});
const clients: ClientSocket[] = [];
afterEach(async () => {
  for (const c of opened.splice(0)) await c.context.close();
  for (const c of clients.splice(0)) c.disconnect();
});
afterAll(async () => {
  await demo?.close();
});

async function openChat(nick: string, viewport = { width: 1280, height: 800 }): Promise<Chat> {
  const chat = await newPage();
  opened.push(chat);
  await chat.page.setViewportSize(viewport);
  await chat.page.goto(`${demo.url}/`);
  await chat.page.fill("#nick", nick);
  await chat.page.click("#login button[type=submit]");
  await connectedOn(chat.page, null, CONNECT_MS);
  return chat;
}

/** Connected, upgrades done, and the panel says so: on `name`, or on any of `name` when a list. */
async function connectedOn(page: Page, name: string | string[] | null, ms: number): Promise<string> {
  const names = name === null ? null : Array.isArray(name) ? name : [name];
  const handle = await page.waitForFunction(
    (wanted) => {
      const d = (window as unknown as { demo?: { socket?: { connected: boolean; io: { transport: string | null } } } }).demo;
      const t = d?.socket?.connected ? d.socket.io.transport : null;
      if (!t || (wanted && !wanted.includes(t))) return false;
      return document.getElementById("current-transport")?.textContent === t && t;
    },
    names,
    { timeout: ms, polling: 100 },
  );
  return (await handle.jsonValue()) as string;
}

async function say(from: Page, to: Page, text: string): Promise<void> {
  await from.fill("#text", text);
  await from.press("#text", "Enter");
  await to.waitForFunction((t) => [...document.querySelectorAll("#messages li.other .text")].some((e) => e.textContent === t), text, {
    timeout: DELIVERY_MS,
  });
  await delivered(from, text);
}

function delivered(page: Page, text: string, ms = DELIVERY_MS) {
  return page.waitForFunction(
    (t) =>
      [...document.querySelectorAll<HTMLElement>("#messages li.own")].some(
        (li) => li.querySelector(".text")?.textContent === t && li.querySelector<HTMLElement>(".state")?.dataset.state === "delivered",
      ),
    text,
    { timeout: ms },
  );
}

const history = (page: Page) => page.$$eval("#history li", (lis) => lis.map((li) => li.textContent ?? ""));

assertBuilt(UMD, RUFFLE_JS);

describe("the demo", () => {
  it("serves the seed example at /example", async () => {
    const res = await fetch(`${demo.url}/example`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("the seed example");
  });

  it("chats between two pages on every transport in turn, forced by the panel", { timeout: 300_000 }, async () => {
    const alice = await openChat("alice");
    const bob = await openChat("bob");
    await alice.page.waitForFunction(() => document.getElementById("members")?.textContent?.includes("bob"), undefined, { timeout: DELIVERY_MS });
    const transports = ["websocket", "flashsocket", "xhr-multipart", "htmlfile", "polling", "jsonp"];
    for (const name of transports) {
      const ms = name === "flashsocket" ? FLASH_MS : CONNECT_MS;
      for (const c of [alice, bob]) await c.page.click(`#ranking li[data-transport="${name}"] button.only`);
      for (const c of [alice, bob]) await connectedOn(c.page, name, ms);
      // the panel: this row in use, every other one switched off, the history names it
      expect(await alice.page.getAttribute(`#ranking li[data-transport="${name}"]`, "data-state")).toBe("current");
      expect(await alice.page.$$eval("#ranking li[data-state=off]", (lis) => lis.length)).toBe(5);
      expect((await history(alice.page)).some((h) => h.includes("transport") && h.includes(name))).toBe(true);
      await say(alice.page, bob.page, `hello bob over ${name}`);
      await say(bob.page, alice.page, `hi alice, ${name} here too`);
    }
    for (const c of [alice, bob]) expect(c.errors).toEqual([]);
  });

  it("shows typing, shares an image as binary, joins and leaves rooms", { timeout: 120_000 }, async () => {
    const alice = await openChat("alice2");
    const bob = await openChat("bob2", { width: 390, height: 844 });
    // rooms: both join #design; alice's notice of bob's arrival comes through the room broadcast
    for (const c of [alice, bob]) {
      await c.page.fill("#room-name", "design");
      await c.page.press("#room-name", "Enter");
      await c.page.waitForFunction(() => document.getElementById("room-title")?.textContent === "#design", undefined, { timeout: DELIVERY_MS });
    }
    await alice.page.waitForFunction(() => [...document.querySelectorAll("#messages .notice")].some((n) => n.textContent === "bob2 joined"), undefined, {
      timeout: DELIVERY_MS,
    });

    // Typing hints are volatile (dropped when the transport is busy) and throttled to one per 1.5 s: type for a
    // few seconds, as a person would, so that some get through.
    await bob.page.type("#text", "typing away, slowly", { delay: 150 });
    await alice.page.waitForFunction(() => document.getElementById("typing")?.textContent === "bob2 is typing…", undefined, { timeout: DELIVERY_MS });
    await bob.page.press("#text", "Enter");
    await delivered(bob.page, "typing away, slowly");

    const png = await drawPng(alice.page);
    await alice.page.setInputFiles("#file", { name: "omnio.png", mimeType: "image/png", buffer: png });
    const img = await bob.page.waitForSelector('#messages li.other img[alt="omnio.png"]', { timeout: DELIVERY_MS });
    await bob.page.waitForFunction((el) => (el as HTMLImageElement).complete && (el as HTMLImageElement).naturalWidth === 240, img, { timeout: DELIVERY_MS });
    const received = await bob.page.evaluate(async (el) => {
      const bytes = new Uint8Array(await (await fetch((el as HTMLImageElement).src)).arrayBuffer());
      return Array.from(bytes);
    }, img);
    expect(createHash("sha256").update(Buffer.from(received)).digest("hex")).toBe(createHash("sha256").update(png).digest("hex"));
    await alice.page.waitForSelector('#messages li.own.file .state[data-state="delivered"]', { timeout: DELIVERY_MS });
    expect(await bob.page.textContent("#messages li.other.file figcaption")).toContain("binary");

    if (SHOTS) {
      await say(alice.page, bob.page, "Nice! Now switch transports in the panel →");
      await bob.page.type("#text", "on it, one moment", { delay: 150 });
      await alice.page.waitForFunction(() => document.getElementById("typing")?.textContent === "bob2 is typing…", undefined, { timeout: DELIVERY_MS });
      await alice.page.screenshot({ path: shot("desktop.png") });
      await bob.page.screenshot({ path: shot("mobile.png") });
      await bob.page.screenshot({ path: shot("mobile-full.png"), fullPage: true });
      await bob.page.fill("#text", "");
    }

    // leaving: bob's notice reaches alice at once
    await bob.page.click('#room-list button[aria-label="Leave #design"]');
    await bob.page.waitForFunction(() => document.getElementById("room-title")?.textContent === "#lobby", undefined, { timeout: DELIVERY_MS });
    await alice.page.waitForFunction(() => [...document.querySelectorAll("#messages .notice")].some((n) => n.textContent === "bob2 left"), undefined, {
      timeout: DELIVERY_MS,
    });

    // the phone-sized page fits its viewport; every form control has a label
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const unlabelled = await alice.page.$$eval("input, button", (els) =>
      els.filter((e) => !(e as HTMLInputElement).labels?.length && !e.getAttribute("aria-label") && !e.textContent?.trim()).map((e) => e.id || e.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    expect(await alice.page.getAttribute("#messages", "role")).toBe("log");

    for (const c of [alice, bob]) expect(c.errors).toEqual([]);
  });

  it("stays on polling behind a buffering proxy: the streaming probes time out", { timeout: 120_000 }, async () => {
    const alice = await openChat("alice4");
    for (const name of ["websocket", "flashsocket", "jsonp"]) await alice.page.uncheck(`#switch-${name}`);
    await alice.page.check("#weather-buffer-streams");
    await alice.page.waitForFunction(
      () => {
        const lines = [...document.querySelectorAll("#history li")].map((li) => li.textContent ?? "");
        return ["xhr-multipart", "htmlfile"].every((n) => lines.some((l) => l.includes("upgradeError") && l.includes(`${n}:`)));
      },
      undefined,
      { timeout: 60_000 },
    );
    expect(await connectedOn(alice.page, "polling", CONNECT_MS)).toBe("polling");
    for (const name of ["xhr-multipart", "htmlfile"]) {
      expect(await alice.page.getAttribute(`#ranking li[data-transport="${name}"]`, "data-state")).toBe("failed");
    }
    // and the chat still works on what is left
    const bob = await openChat("bob4");
    await say(alice.page, bob.page, "polling is slow but it gets there");
    for (const c of [alice, bob]) expect(c.errors).toEqual([]);
  });

  it("falls back when the weather drops WebSocket, and delivers what was written offline", { timeout: 180_000 }, async () => {
    const alice = await openChat("alice3");
    const bob = await openChat("bob3");
    await connectedOn(alice.page, "websocket", CONNECT_MS);

    await alice.page.check("#weather-no-websocket");
    const fallbacks = ["flashsocket", "xhr-multipart"];
    const landed = await connectedOn(alice.page, fallbacks, FLASH_MS);
    expect(fallbacks).toContain(landed);
    // Remembering that websocket worked, omnio may try it first as the handshake (no upgradeError then): either
    // way its row now says it failed, and the history shows where the session went.
    expect(await alice.page.getAttribute('#ranking li[data-transport="websocket"]', "data-state")).toBe("failed");
    expect(await alice.page.textContent('#ranking li[data-transport="websocket"] .rank-why')).toMatch(/fail/);
    expect((await history(alice.page)).some((h) => h.includes("transport") && h.includes(landed))).toBe(true);
    await say(alice.page, bob.page, `after the fallback, on ${landed}`);

    if (SHOTS) await alice.page.locator("aside.panel").screenshot({ path: shot("fallback.png") });

    // offline: the session is cut, what alice writes waits (queued), and arrives once the network is back
    await alice.page.check("#weather-offline");
    await alice.page.waitForFunction(() => !(window as unknown as { demo: { socket: { connected: boolean } } }).demo.socket.connected, undefined, {
      timeout: CONNECT_MS,
    });
    await alice.page.fill("#text", "written while offline");
    await alice.page.press("#text", "Enter");
    await alice.page.waitForSelector('#messages li.own:last-child .state[data-state="queued"]', { timeout: DELIVERY_MS });
    await alice.page.check("#weather-clear");
    await bob.page.waitForFunction(() => [...document.querySelectorAll("#messages li.other .text")].some((e) => e.textContent === "written while offline"), undefined, {
      timeout: CONNECT_MS,
    });
    await delivered(alice.page, "written while offline", CONNECT_MS);
    expect((await history(alice.page)).some((h) => h.includes("reconnect") && h.includes("after"))).toBe(true);
    // exactly once, although the page may have sent it twice
    expect(await bob.page.$$eval("#messages li.other .text", (els) => els.filter((e) => e.textContent === "written while offline").length)).toBe(1);
    for (const c of [alice, bob]) expect(c.errors).toEqual([]);
  });
});

/** A real socket.io-client 4.8 peer on the demo's /chat namespace. */
async function peer(nick: unknown, extra: { rooms?: unknown; page?: string } = {}): Promise<ClientSocket> {
  const c = ioc(`${demo.url}/chat`, {
    forceNew: true,
    reconnection: false,
    auth: { nick, rooms: extra.rooms },
    query: extra.page ? { page: extra.page } : {},
  });
  clients.push(c);
  await waitFor(c, "connect", CONNECT_MS);
  return c;
}

const ack = (c: ClientSocket, event: string, ...args: unknown[]) => c.timeout(DELIVERY_MS).emitWithAck(event, ...args) as Promise<unknown>;

describe("the demo server", () => {
  it("answers bad input from the network with error acks and keeps serving", async () => {
    const bad = await peer("x\u0000".repeat(40), { rooms: ["BAD ROOM", 5, "ok-room", { __proto__: null }] });
    const good = await peer("good", { rooms: ["ok-room"] });
    // only the valid room was joined, under a cleaned nickname
    expect(((await ack(good, "members", "ok-room")) as string[]).sort()).toEqual(["good", "x".repeat(24)]);
    expect(await ack(good, "members", "BAD ROOM")).toEqual([]);
    for (const [event, args] of [
      ["message", ["not an object"]],
      ["message", [{ id: "a/b", room: "lobby", text: "hi" }]],
      ["message", [{ id: "long", room: "lobby", text: "x".repeat(2001) }]],
      ["message", [{ id: "elsewhere", room: "not-joined", text: "hi" }]],
      ["file", [{ id: "f1", room: "lobby", name: "a.txt" }, "not binary"]],
      ["file", [{ id: "f2", room: "lobby", name: "big" }, Buffer.alloc(1024 * 1024 + 1)]],
      ["join", ["../etc"]],
      ["join", [{ room: "x" }]],
    ] as const) {
      expect(await ack(bad, event, ...args), `${event} ${JSON.stringify(args).slice(0, 80)}`).toMatchObject({ ok: false });
    }
    // events without the ack they need, or with junk, are ignored
    bad.emit("message", { id: "noack", room: "lobby", text: "hi" });
    bad.emit("typing", { room: {} });
    bad.emit("latency");
    bad.emit("leave", 42);
    // and the connection still carries a good message to the other peer
    const got = waitFor<[{ text: string; nick: string }]>(good, "message", DELIVERY_MS);
    expect(await ack(bad, "message", { id: "fine", room: "ok-room", text: "still here" })).toMatchObject({ ok: true });
    expect((await got)[0]).toMatchObject({ text: "still here", nick: "x".repeat(24) });
  });

  it("acknowledges a re-sent message again but delivers it once", async () => {
    const alice = await peer("alice-node");
    const bob = await peer("bob-node");
    const texts: string[] = [];
    bob.on("message", (m: { text: string }) => texts.push(m.text));
    const msg = { id: "dup-1", room: "lobby", text: "once" };
    const first = await ack(alice, "message", msg);
    const second = await ack(alice, "message", msg);
    expect(second).toEqual(first);
    await ack(alice, "message", { id: "dup-2", room: "lobby", text: "after" });
    // "once" may still be on its way to bob when "after" is acked: wait for "after" itself, then look at all.
    await until(() => texts.includes("after"), DELIVERY_MS, () => `"after" delivered to bob (got ${JSON.stringify(texts)})`);
    expect(texts).toEqual(["once", "after"]);
  });

  it("weather: validates its control requests and cuts only the chosen page when offline", async () => {
    const post = (q: string) => fetch(`${demo.url}/demo/weather?${q}`, { method: "POST" });
    expect((await post("page=bad%20id&weather=offline")).status).toBe(400);
    expect((await post("page=p1&weather=hail")).status).toBe(400);
    expect(await (await fetch(`${demo.url}/demo/weather?page=p1`)).json()).toEqual({ page: "p1", weather: "clear" });

    const cut = await peer("cut", { page: "p1" });
    const spared = await peer("spared", { page: "p2" });
    const gone = waitFor(cut, "disconnect", DELIVERY_MS);
    expect((await post("page=p1&weather=offline")).status).toBe(200);
    await gone;
    expect(spared.connected).toBe(true);
    // a new handshake of that page finds no network at all
    await expect(fetch(`${demo.url}/socket.io/?EIO=4&transport=polling&page=p1`)).rejects.toThrow();
    expect((await fetch(`${demo.url}/socket.io/?EIO=4&transport=polling&page=p2`)).status).toBe(200);
    expect((await post("page=p1&weather=clear")).status).toBe(200);
    expect((await fetch(`${demo.url}/socket.io/?EIO=4&transport=polling&page=p1`)).status).toBe(200);
  });
});

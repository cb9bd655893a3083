// bridge.swf (packages/flash-bridge/swf, Haxe) proven by itself: Ruffle runs it in the shared Chromium, its
// Flash sockets go over a websockify-style proxy to a real `ws` server, and the test drives the web-socket-js
// bridge surface (create/send/close/receiveEvents) exactly as the JS half of @omnio/flash-bridge will.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startStaticServer, type StaticServer } from "../helpers/static-server.js";
import { startSocketServers, type SocketServers } from "./socket-servers.js";
import { BridgePage, type ProxyEntry } from "./bridge-page.js";

const OPEN = 1;
const CLOSED = 3;

let web: StaticServer;
let servers: SocketServers;
let bridge: BridgePage;
let nextId = 1;
let wsUrl: (path: string) => string;

beforeAll(async () => {
  [web, servers] = await Promise.all([startStaticServer(), startSocketServers()]);
  const proxy = (target: number, chop = false) =>
    `ws://127.0.0.1:${servers.proxyPort}/?target=${target}${chop ? "&chop=1" : ""}`;
  const proxies: ProxyEntry[] = [
    { host: "127.0.0.1", port: servers.wsPort, proxyUrl: proxy(servers.wsPort) },
    // Same server under another host name, through the chopping proxy: TCP data arrives 1–3 bytes at a time.
    { host: "localhost", port: servers.wsPort, proxyUrl: proxy(servers.wsPort, true) },
    { host: "127.0.0.1", port: servers.rawPort, proxyUrl: proxy(servers.rawPort) },
    { host: "127.0.0.1", port: servers.connectProxyPort, proxyUrl: proxy(servers.connectProxyPort) },
  ];
  wsUrl = (path) => `ws://127.0.0.1:${servers.wsPort}${path}`;
  bridge = await BridgePage.open(web.origin, proxies, "__omnioBridgeTest");
}, 60_000);

afterAll(async () => {
  await bridge?.close();
  await Promise.all([web?.close(), servers?.close()]);
});

/** Resolves with the first `event` of `emitter`, or rejects after `ms`. */
function once<T extends unknown[]>(emitter: NodeJS.EventEmitter, event: string, ms = 15_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, done);
      reject(new Error(`no "${event}" within ${ms} ms`));
    }, ms);
    const done = (...args: unknown[]) => {
      clearTimeout(timer);
      resolve(args as T);
    };
    emitter.once(event, done);
  });
}

/** Resolves with `promise`'s value, or rejects after `ms` naming `what`. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** A string of `kb` KiB-ish mixing 1-, 2-, 3- and 4-byte UTF-8 sequences. */
function bigText(bytes: number): string {
  const unit = "abcé日😀"; // 1+1+1+2+3+4 = 12 bytes
  return unit.repeat(Math.ceil(bytes / 12));
}

/** create() + wait for open; returns the socket id and the server's side of the connection. */
async function openSocket(path: string, url = wsUrl(path), protocols: string[] = []) {
  const id = nextId++;
  const server = servers.takeConnection(path);
  await bridge.call("create", id, url, protocols, null, 0, null);
  const open = await bridge.event(id, "open");
  return { id, open, conn: await server };
}

describe("bridge.swf under Ruffle", () => {
  it("calls __onFlashInitialized once on the configured jsObject and exposes the web-socket-js surface", async () => {
    expect(bridge.inits).toBe(1);
    const methods = await bridge.page.evaluate(() => {
      const el = (window as unknown as { bridge: Record<string, unknown> }).bridge;
      return ["setCallerUrl", "setDebug", "create", "send", "close", "loadManualPolicyFile", "receiveEvents"].map(
        (m) => typeof el[m],
      );
    });
    expect(methods).toEqual(Array(7).fill("function"));
    expect(bridge.pageErrors).toEqual([]);
  });

  it("opens with a correct RFC 6455 handshake (Origin from setCallerUrl, Host, path+query, subprotocol, cookie)", async () => {
    await bridge.page.evaluate(() => {
      document.cookie = "sid=abc123; path=/";
    });
    const { id, open, conn } = await openSocket("/echo", wsUrl("/echo?x=1&y=%C3%A9"), ["chat", "other"]);
    expect(open).toMatchObject({ type: "open", webSocketId: id, readyState: OPEN, protocol: "chat" });
    expect(conn.req.url).toBe("/echo?x=1&y=%C3%A9");
    expect(conn.req.headers.origin).toBe(web.origin);
    expect(conn.req.headers.host).toBe(`127.0.0.1:${servers.wsPort}`);
    expect(conn.req.headers["sec-websocket-version"]).toBe("13");
    expect(conn.req.headers["sec-websocket-protocol"]).toBe("chat, other");
    expect(conn.ws.protocol).toBe("chat");
    // Same host as the page: the page's cookies go along, as web-socket-js sent them.
    expect(conn.req.headers.cookie).toBe("sid=abc123");
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });

  it("exchanges text both ways: ASCII, multi-byte UTF-8, emoji, NUL, BOM, URI-special characters", async () => {
    const { id, conn } = await openSocket("/echo");
    const texts = [
      "hello",
      "héllo wörld — ¿qué tal? 日本語テキスト",
      "emoji 😀👍🏽 🇫🇷 and 𝄞",
      "nul\u0000inside",
      "\uFEFFstarts with a BOM",
      "percent % plus + amp & backslash \\ quote \" newline \n tab \t",
      "",
    ];
    for (const text of texts) expect(await bridge.send(id, text)).toBe(-1);
    await bridge.until(() => bridge.messagesOf(id).length >= texts.length, 15_000, "all echoes");
    expect(conn.messages).toEqual(texts);
    expect(bridge.messagesOf(id)).toEqual(texts);
    expect(conn.binaryReceived).toBe(0);
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });

  it("carries a 100 KB message each way", async () => {
    const { id, conn } = await openSocket("/echo");
    const text = bigText(100 * 1024);
    expect(await bridge.send(id, text)).toBe(-1);
    await bridge.until(() => bridge.messagesOf(id).length >= 1, 20_000, "the 100 KB echo");
    expect(conn.messages).toHaveLength(1);
    expect(conn.messages[0]!.length).toBe(text.length);
    expect(conn.messages[0] === text).toBe(true);
    expect(bridge.messagesOf(id)[0] === text).toBe(true);
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });

  it("reassembles fragmented messages (UTF-8 split between fragments, a ping in between) and answers pings", async () => {
    const { id, conn } = await openSocket("/fragments");
    const emoji = Buffer.from("😀", "utf8");
    conn.ws.send(Buffer.concat([Buffer.from("one-"), emoji.subarray(0, 2)]), { binary: false, fin: false });
    conn.ws.ping("between");
    conn.ws.send(Buffer.concat([emoji.subarray(2), Buffer.from("-two-")]), { binary: false, fin: false });
    conn.ws.send("three", { fin: true });
    conn.ws.send("after");
    const [pong] = await once<[Buffer]>(conn.ws, "pong");
    expect(pong.toString()).toBe("between");
    await bridge.until(() => bridge.messagesOf(id).length >= 2, 15_000, "two messages");
    expect(bridge.messagesOf(id)).toEqual(["one-😀-two-three", "after"]);

    const pongAgain = once<[Buffer]>(conn.ws, "pong");
    conn.ws.ping("héllo");
    expect((await pongAgain)[0].toString()).toBe("héllo");
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });

  it("decodes UTF-8 correctly when TCP delivers frames 1–3 bytes at a time", async () => {
    await bridge.call("setDebug", true);
    const logsBefore = bridge.logs.length;
    const id = nextId++;
    const server = servers.takeConnection("/echo");
    await bridge.call("create", id, `ws://localhost:${servers.wsPort}/echo`, [], null, 0, null);
    await bridge.event(id, "open");
    await server;
    await bridge.call("setDebug", false);
    const texts = ["😀é日", "𝄞 and 👍🏽", bigText(3000)];
    for (const text of texts) expect(await bridge.send(id, text)).toBe(-1);
    await bridge.until(() => bridge.messagesOf(id).length >= texts.length, 30_000, "chopped echoes");
    expect(bridge.messagesOf(id)).toEqual(texts);
    // Proof that the split really reached the SWF: its socket saw reads of at most 3 bytes.
    const reads = bridge.logs
      .slice(logsBefore)
      .map((l) => /read (\d+) bytes/.exec(l)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number);
    expect(reads.some((n) => n <= 3)).toBe(true);
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });

  it("reports the server's close code and reason and echoes the close frame", async () => {
    const { id, conn } = await openSocket("/server-close");
    conn.ws.close(4001, "bye ✓ now");
    const close = await bridge.event(id, "close");
    expect(close).toMatchObject({ type: "close", readyState: CLOSED, code: 4001, reason: "bye ✓ now", wasClean: true });
    expect(await within(conn.closed, 10_000, "server close")).toEqual({ code: 4001, reason: "" });
    expect(bridge.eventsOf(id).map((e) => e.type)).toEqual(["open", "close"]);
  });

  it("close(id) performs the closing handshake (code 1000), close(id, code, reason) sends those", async () => {
    const a = await openSocket("/client-close");
    await bridge.call("close", a.id);
    expect(await within(a.conn.closed, 10_000, "server close")).toEqual({ code: 1000, reason: "" });
    expect(await bridge.event(a.id, "close")).toMatchObject({ code: 1000, wasClean: true, readyState: CLOSED });
    expect(bridge.eventsOf(a.id).map((e) => e.type)).toEqual(["open", "close"]);

    const b = await openSocket("/client-close");
    await bridge.call("close", b.id, 4321, "client says ¡adiós!");
    expect(await within(b.conn.closed, 10_000, "server close")).toEqual({ code: 4321, reason: "client says ¡adiós!" });
    expect(await bridge.event(b.id, "close")).toMatchObject({ code: 4321, wasClean: true });
    // Sending after close: nothing goes out, the byte count comes back as not sent.
    expect(await bridge.send(b.id, "late")).toBe(0);
  });

  it("closes with 1003 when the server sends a binary frame (the bridge is text-only)", async () => {
    const { id, conn } = await openSocket("/binary");
    conn.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    conn.ws.send("not delivered after the failure");
    const { code } = await within(conn.closed, 10_000, "server close");
    expect(code).toBe(1003);
    const close = await bridge.event(id, "close");
    expect(close).toMatchObject({ code: 1003, wasClean: false, readyState: CLOSED });
    expect(bridge.eventsOf(id).map((e) => e.type)).toEqual(["open", "error", "close"]);
    expect(bridge.errors.some((e) => e.includes("binary"))).toBe(true);
  });

  it("keeps two sockets apart by id", async () => {
    const a = await openSocket("/echo");
    const b = await openSocket("/echo");
    for (let i = 0; i < 10; i++) {
      await bridge.send(a.id, `a${i}`);
      await bridge.send(b.id, `b${i}`);
    }
    await bridge.until(
      () => bridge.messagesOf(a.id).length >= 10 && bridge.messagesOf(b.id).length >= 10,
      15_000,
      "both echoes",
    );
    expect(bridge.messagesOf(a.id)).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`));
    expect(bridge.messagesOf(b.id)).toEqual(Array.from({ length: 10 }, (_, i) => `b${i}`));
    expect(a.conn.messages).toEqual(bridge.messagesOf(a.id));
    await bridge.call("close", a.id);
    await bridge.event(a.id, "close");
    // b is unaffected by a's close.
    await bridge.send(b.id, "still here");
    await bridge.until(() => bridge.messagesOf(b.id).length >= 11, 15_000, "b's echo after a closed");
    await bridge.call("close", b.id);
    await bridge.event(b.id, "close");
  });

  it("delivers events in order: open, 300 messages, close", async () => {
    const { id, conn } = await openSocket("/burst");
    for (let i = 0; i < 300; i++) conn.ws.send(`m${i}`);
    conn.ws.close(4000, "done");
    await bridge.event(id, "close", 20_000);
    const events = bridge.eventsOf(id);
    expect(events.map((e) => e.type)).toEqual(["open", ...Array(300).fill("message"), "close"]);
    expect(bridge.messagesOf(id)).toEqual(Array.from({ length: 300 }, (_, i) => `m${i}`));
    expect(events.at(-1)).toMatchObject({ code: 4000, reason: "done", wasClean: true });
  });

  describe("bad input never crashes or hangs it", () => {
    const rawUrl = (path: string) => `ws://127.0.0.1:${servers.rawPort}${path}`;

    /** create() against the raw server; resolves with the socket's events once it closed. */
    async function failingSocket(path: string) {
      const id = nextId++;
      await bridge.call("create", id, rawUrl(path), [], null, 0, null);
      const close = await bridge.event(id, "close");
      return { id, close, types: bridge.eventsOf(id).map((e) => e.type) };
    }

    it.each([
      ["/bad-accept", 1006, "Sec-WebSocket-Accept"],
      ["/refused", 1006, "403"],
      ["/garbage", 1006, "not an HTTP response"],
    ])("a failed handshake (%s) is error + close %i, never open", async (path, code, why) => {
      const { close, types } = await failingSocket(path);
      expect(types).toEqual(["error", "close"]);
      expect(close).toMatchObject({ code, wasClean: false, readyState: CLOSED });
      expect(bridge.errors.some((e) => e.includes(path) && e.includes(why))).toBe(true);
    });

    it.each([
      ["/masked", 1002],
      ["/bad-utf8", 1007],
    ])("a protocol violation after open (%s) fails the connection with %i", async (path, code) => {
      const { close, types } = await failingSocket(path);
      expect(types).toEqual(["open", "error", "close"]);
      expect(close).toMatchObject({ code, wasClean: false });
    });

    it("close() gives up on a server that never answers the close frame (1006 after the close timeout)", async () => {
      const id = nextId++;
      await bridge.call("create", id, rawUrl("/silent"), [], null, 0, null);
      await bridge.event(id, "open");
      await bridge.call("close", id);
      const close = await bridge.event(id, "close", 15_000);
      expect(close).toMatchObject({ code: 1006, wasClean: false, readyState: CLOSED });
    });

    it("close() while still connecting aborts: error + close 1006", async () => {
      const id = nextId++;
      await bridge.call("create", id, rawUrl("/never-seen"), [], null, 0, null);
      await bridge.call("close", id); // same task as create: the handshake cannot have completed
      await bridge.event(id, "close");
      expect(bridge.eventsOf(id).map((e) => e.type)).toEqual(["error", "close"]);
      expect(bridge.eventsOf(id)[1]).toMatchObject({ code: 1006, wasClean: false });
      // The connection that was still being made is dropped when it lands: nothing left behind.
      await servers.proxyIdle();
    });

    it("rejects URLs it cannot serve with error + close events (not an exception)", async () => {
      for (const url of ["wss://127.0.0.1:1/x", "http://127.0.0.1/x", "not a url"]) {
        const id = nextId++;
        await bridge.call("create", id, url, [], null, 0, null);
        const close = await bridge.event(id, "close");
        expect(bridge.eventsOf(id).map((e) => e.type)).toEqual(["error", "close"]);
        expect(close.code).toBe(1006);
        expect(close.reason).not.toBe("");
      }
    });

    it("send() with malformed URI escapes or to an unknown id returns 0 and reports, the socket stays usable", async () => {
      const { id, conn } = await openSocket("/echo");
      const raw = (data: string) =>
        bridge.page.evaluate(
          ([i, d]) => (window as unknown as { bridge: { send(i: number, d: string): number } }).bridge.send(i, d),
          [id, data] as const,
        );
      const errorsBefore = bridge.errors.length;
      expect(await raw("%E0%A4%A")).toBe(0); // truncated escape
      expect(await raw("%C3%28")).toBe(0); // escapes that are not UTF-8
      expect(await raw("%ED%A0%80")).toBe(0); // an escaped lone surrogate
      expect(await bridge.call("send", 9999, "x")).toBe(0);
      expect(bridge.errors.length - errorsBefore).toBe(4);
      expect(await raw("ok%20%F0%9F%98%80")).toBe(-1);
      await bridge.until(() => bridge.messagesOf(id).length >= 1, 15_000, "the valid echo");
      expect(conn.messages).toEqual(["ok 😀"]);
      await bridge.call("close", id);
      await bridge.event(id, "close");
    });

    it("survives surface calls with junk arguments", async () => {
      await bridge.page.evaluate(() => {
        const b = (window as unknown as { bridge: Record<string, (...a: unknown[]) => unknown> }).bridge;
        b.create!("nope", "ws://127.0.0.1:1/");
        b.create!(null, null, null, null, null, null);
        b.close!(424242);
        b.close!({});
        b.setCallerUrl!(null);
        b.loadManualPolicyFile!("xmlsocket://127.0.0.1:10843");
        b.setCallerUrl!(location.href);
      });
      // Still alive and serving:
      const { id } = await openSocket("/echo");
      await bridge.send(id, "alive");
      await bridge.until(() => bridge.messagesOf(id).length >= 1, 15_000, "echo after junk calls");
      await bridge.call("close", id);
      await bridge.event(id, "close");
      expect(bridge.pageErrors).toEqual([]);
    });
  });

  it("leaves no connection open once every socket reported close", async () => {
    await servers.proxyIdle();
  });

  it("tunnels through an HTTP CONNECT proxy given as proxyHost/proxyPort", async () => {
    const id = nextId++;
    const server = servers.takeConnection("/echo");
    await bridge.call("create", id, wsUrl("/echo"), [], "127.0.0.1", servers.connectProxyPort, "X-Extra: yes\r\n");
    await bridge.event(id, "open");
    const conn = await server;
    expect(conn.req.headers["x-extra"]).toBe("yes");
    await bridge.send(id, "via CONNECT");
    await bridge.until(() => bridge.messagesOf(id).length >= 1, 15_000, "echo via the CONNECT proxy");
    expect(bridge.messagesOf(id)).toEqual(["via CONNECT"]);
    await bridge.call("close", id);
    await bridge.event(id, "close");
  });
});

describe("bridge.swf with default FlashVars", () => {
  it("calls WebSocket.__onFlashInitialized, as web-socket-js's WebSocketMain.swf does", async () => {
    const page = await BridgePage.open(web.origin, []);
    try {
      expect(page.inits).toBe(1);
    } finally {
      await page.close();
    }
  }, 60_000);
});

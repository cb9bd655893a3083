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

  it("opens with a correct RFC 6455 handshake (Origin from setCallerUrl, Host, path+query, subprotocol)", async () => {
    const { id, open, conn } = await openSocket("/echo", wsUrl("/echo?x=1&y=%C3%A9"), ["chat", "other"]);
    expect(open).toMatchObject({ type: "open", webSocketId: id, readyState: OPEN, protocol: "chat" });
    expect(conn.req.url).toBe("/echo?x=1&y=%C3%A9");
    expect(conn.req.headers.origin).toBe(web.origin);
    expect(conn.req.headers.host).toBe(`127.0.0.1:${servers.wsPort}`);
    expect(conn.req.headers["sec-websocket-version"]).toBe("13");
    expect(conn.req.headers["sec-websocket-protocol"]).toBe("chat, other");
    expect(conn.ws.protocol).toBe("chat");
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
});

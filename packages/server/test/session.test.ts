// Session-level behaviour with raw clients and short timings: server-driven heartbeat and ping timeout,
// the upgrade handshake step by step, connectTimeout, CORS preflight, and the served client script.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { WebSocket } from "ws";
import { Server, type ServerOptions } from "../src/index.js";
import { listen, recordingLogger, until, waitFor } from "./helpers.js";

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(options: ServerOptions = {}) {
  const logger = recordingLogger();
  const http = createServer((_req, res) => {
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("app: not found");
  });
  const io = new Server(http, { logger, ...options });
  const { url } = await listen(http);
  cleanups.push(() => io.close());
  return { io, url, base: `${url}/socket.io/`, logger };
}

const get = (u: string, init?: RequestInit) => fetch(u, init).then(async (r) => ({ status: r.status, text: await r.text(), headers: r.headers }));

describe("heartbeat", () => {
  it("pings every pingInterval and keeps a session that answers", async () => {
    const { io, base } = await start({ pingInterval: 100, pingTimeout: 200 });
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket`);
    cleanups.push(() => ws.terminate());
    const frames: string[] = [];
    let pings = 0;
    const threePings = new Promise<void>((ok) =>
      ws.on("message", (d) => {
        const s = d.toString();
        frames.push(s);
        if (s === "2") {
          ws.send("3");
          if (++pings === 3) ok();
        }
      }),
    );
    await threePings;
    expect(frames[0]).toMatch(/^0\{/);
    expect(io.engine.clientsCount).toBe(1);
  });

  it("closes a session whose pong does not come within pingTimeout (\"ping timeout\")", async () => {
    const { io, base, logger } = await start({ pingInterval: 50, pingTimeout: 100 });
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket`);
    cleanups.push(() => ws.terminate());
    const connected = waitFor<[import("../src/index.js").Socket]>(io, "connection");
    await waitFor(ws, "open");
    ws.send("40");
    const [socket] = await connected;
    const [reason] = await waitFor<[string]>(socket, "disconnect", 5000);
    expect(reason).toBe("ping timeout");
    await waitFor(ws, "close");
    expect(io.engine.clientsCount).toBe(0);
    expect(logger.warnings()).toContain("ping timeout");
  });
});

describe("upgrade", () => {
  it("probes, answers the held GET with a noop, switches on 5 and flushes the buffer on the new transport", async () => {
    const { io, base } = await start();
    const open = await get(`${base}?EIO=4&transport=polling`);
    const { sid, upgrades } = JSON.parse(open.text.slice(1));
    expect(upgrades[0]).toBe("websocket"); // best first (other transports may follow)
    const q = `${base}?EIO=4&transport=polling&sid=${sid}`;
    const held = get(q);
    await until(() => io.engine.clients.get(sid)!.writable, 5000, "the GET to be held");

    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket&sid=${sid}`);
    cleanups.push(() => ws.terminate());
    await waitFor(ws, "open");
    ws.send("2probe");
    const [probe] = await waitFor<[Buffer]>(ws, "message");
    expect(probe.toString()).toBe("3probe");
    expect((await held).text).toBe("6");
    const conn = io.engine.clients.get(sid)!;
    expect(conn.transport).toBe("polling");
    conn.send("queued during the upgrade");
    const upgraded = waitFor(conn, "upgrade");
    const flushed = waitFor<[Buffer]>(ws, "message");
    ws.send("5");
    await upgraded;
    expect(conn.transport).toBe("websocket");
    expect((await flushed)[0].toString()).toBe("4queued during the upgrade");
    // polling is over for this session
    expect((await get(q)).status).toBe(400);
  });

  it("drops a probe that never sends 5 after upgradeTimeout and keeps polling", async () => {
    const { io, base, logger } = await start({ upgradeTimeout: 100 });
    const { sid } = JSON.parse((await get(`${base}?EIO=4&transport=polling`)).text.slice(1));
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket&sid=${sid}`);
    cleanups.push(() => ws.terminate());
    await waitFor(ws, "close", 5000);
    expect(logger.warnings()).toContain("upgrade timed out");
    const conn = io.engine.clients.get(sid)!;
    expect(conn.transport).toBe("polling");
    const msg = waitFor<[string]>(conn, "message");
    expect((await get(`${base}?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4still here" })).text).toBe("ok");
    expect((await msg)[0]).toBe("still here");
  });
});

describe("connectTimeout", () => {
  it("closes a connection that sends no namespace CONNECT in time", async () => {
    const { io, base, logger } = await start({ connectTimeout: 100 });
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket`);
    cleanups.push(() => ws.terminate());
    await waitFor(ws, "open");
    await waitFor(ws, "close", 5000);
    expect(io.engine.clientsCount).toBe(0);
    expect(logger.warnings().some((w) => w.startsWith("no namespace CONNECT within connectTimeout"))).toBe(true);
  });

  it("keeps a connection that connected to a namespace", async () => {
    const { io, base } = await start({ connectTimeout: 100, pingInterval: 60, pingTimeout: 1000 });
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket`);
    cleanups.push(() => ws.terminate());
    let pings = 0;
    ws.on("message", (d) => d.toString() === "2" && (pings++, ws.send("3")));
    await waitFor(ws, "open");
    ws.send("40");
    await until(() => pings >= 4, 5000, "four heartbeats (well past connectTimeout)");
    expect(io.engine.clientsCount).toBe(1);
  });
});

describe("CORS", () => {
  it("answers preflights and echoes allowed origins with credentials", async () => {
    const { base } = await start({ cors: { origin: ["http://good.test"], credentials: true } });
    const pre = await get(`${base}?EIO=4&transport=polling`, {
      method: "OPTIONS",
      headers: { Origin: "http://good.test", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type" },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get("access-control-allow-origin")).toBe("http://good.test");
    expect(pre.headers.get("access-control-allow-credentials")).toBe("true");
    expect(pre.headers.get("access-control-allow-methods")).toContain("POST");
    expect(pre.headers.get("access-control-allow-headers")).toBe("content-type");
    const hs = await get(`${base}?EIO=4&transport=polling`, { headers: { Origin: "http://good.test" } });
    expect(hs.status).toBe(200);
    expect(hs.headers.get("access-control-allow-origin")).toBe("http://good.test");
  });

  it("sends no CORS headers to a refused origin and logs it", async () => {
    const { base, logger } = await start({ cors: { origin: (o) => o.endsWith(".good.test") } });
    const pre = await get(`${base}?EIO=4&transport=polling`, { method: "OPTIONS", headers: { Origin: "http://evil.test" } });
    expect(pre.headers.get("access-control-allow-origin")).toBeNull();
    const ok = await get(`${base}?EIO=4&transport=polling`, { headers: { Origin: "http://a.good.test" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("http://a.good.test");
    expect(logger.warnings().some((w) => w.startsWith("CORS: origin not allowed"))).toBe(true);
  });

  it("allowRequest refusing → 403 with code 4 and its message", async () => {
    const { base, logger } = await start({ allowRequest: (req, cb) => cb(req.headers["x-token"] === "t" ? null : "token missing", req.headers["x-token"] === "t") });
    const no = await get(`${base}?EIO=4&transport=polling`);
    expect(no.status).toBe(403);
    expect(JSON.parse(no.text)).toEqual({ code: 4, message: "token missing" });
    expect((await get(`${base}?EIO=4&transport=polling`, { headers: { "x-token": "t" } })).status).toBe(200);
    expect(logger.warnings().some((w) => w.includes("allowRequest refused: token missing"))).toBe(true);
  });
});

describe("client script", () => {
  it("serves omnio's UMD build at <path>socket.io.js, or a 404 saying to build it", async () => {
    const { url } = await start();
    const res = await get(`${url}/socket.io/socket.io.js`);
    if (res.status === 200) {
      expect(res.headers.get("content-type")).toBe("application/javascript; charset=UTF-8");
      expect(res.text.length).toBeGreaterThan(100);
      const etag = res.headers.get("etag")!;
      expect((await fetch(`${url}/socket.io/socket.io.js`, { headers: { "If-None-Match": etag } })).status).toBe(304);
    } else {
      expect(res.status).toBe(404);
      expect(res.text).toContain("npm run build");
    }
  });

  it("is not served with serveClient: false, and custom paths move it", async () => {
    const off = await start({ serveClient: false });
    expect((await get(`${off.url}/socket.io/socket.io.js`)).text).toBe("app: not found");
    const moved = await start({ path: "/rt" });
    expect([200, 404]).toContain((await get(`${moved.url}/rt/socket.io.js`)).status);
    expect((await get(`${moved.url}/rt/?EIO=4&transport=polling`)).text).toMatch(/^0\{"sid"/);
  });
});

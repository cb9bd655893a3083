// Proves the fault proxy does what each scenario says, with a plain target (fault-target.ts) and plain Node
// clients (http, ws) — no omnio code involved, so a fallback test that uses the proxy can trust it.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { get, request, type IncomingHttpHeaders } from "node:http";
import { connect as tcpConnect, createServer as createTcpServer, type AddressInfo } from "node:net";
import { EventEmitter } from "node:events";
import { WebSocket } from "ws";
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from "./fault-proxy.js";
import { CHUNK_BYTES, chunkText, startFaultTarget, type FaultTarget } from "./fault-target.js";
import { expectSilence, waitFor, withDeadline } from "../helpers/wait.js";

const DEADLINE = 10_000;
const STREAM_BODY = Array.from({ length: 10 }, (_, i) => chunkText(i)).join("");

let target: FaultTarget;
const proxies: FaultProxy[] = [];
const sockets: WebSocket[] = [];

beforeAll(async () => {
  target = await startFaultTarget();
});
afterEach(async () => {
  target.gate = null;
  for (const ws of sockets.splice(0)) ws.terminate();
  await Promise.all(proxies.splice(0).map((p) => p.close()));
  target.requests.length = 0;
  target.upgrades.length = 0;
});
afterAll(() => target.close());

async function proxy(options: Omit<FaultProxyOptions, "target"> = {}): Promise<FaultProxy> {
  const p = await startFaultProxy({ target: target.origin, ...options });
  proxies.push(p);
  return p;
}

interface GetResult {
  status: number;
  headers: IncomingHttpHeaders;
  chunks: Buffer[];
  body: string;
  /** False when the body was cut before its end. */
  complete: boolean;
}

/** GET on a fresh connection; resolves when the response closes (complete or cut). */
function httpGet(url: string, onData?: (chunk: Buffer) => void): Promise<GetResult> {
  const done = new Promise<GetResult>((resolve, reject) => {
    const req = get(url, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => {
        chunks.push(chunk);
        onData?.(chunk);
      });
      res.on("error", () => {}); // "aborted" on a cut body: the result says complete: false
      res.on("close", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks, body: Buffer.concat(chunks).toString(), complete: res.complete }),
      );
    });
    req.on("error", reject);
  });
  return withDeadline(done, DEADLINE, `GET ${url}`);
}

function openWs(url: string): WebSocket {
  const ws = new WebSocket(url);
  ws.on("error", () => {}); // each test asserts on close / unexpected-response instead
  sockets.push(ws);
  return ws;
}

const wsUrl = (origin: string, path: string) => origin.replace(/^http/, "ws") + path;

/** Resolves with the status of a refused or failed upgrade. */
async function upgradeStatus(ws: WebSocket): Promise<number> {
  const [, res] = await waitFor<[unknown, { statusCode?: number }]>(ws, "unexpected-response", DEADLINE);
  return res.statusCode ?? 0;
}

describe("passthrough (no scenario)", () => {
  it("streams a response chunk by chunk: each chunk reaches the client before the server writes the next", async () => {
    const p = await proxy();
    const received = new EventEmitter();
    let bytes = 0;
    let gateTimedOut = false;
    let endedBeforeFirstByte: boolean | null = null;
    let serverEnded = false;
    target.events.once("stream-end", () => (serverEnded = true));
    // Lockstep: chunk i is written only once the client holds chunks 0..i-1. A buffering proxy deadlocks here.
    target.gate = async (index) => {
      while (bytes < index * CHUNK_BYTES) {
        await waitFor(received, "data", 5_000).catch(() => (gateTimedOut = true));
        if (gateTimedOut) return;
      }
    };
    let events = 0;
    const result = await httpGet(`${p.origin}/stream?n=10&transport=xhr-multipart`, (chunk) => {
      endedBeforeFirstByte ??= serverEnded;
      events += 1;
      bytes += chunk.length;
      received.emit("data");
    });
    expect(gateTimedOut).toBe(false);
    expect(endedBeforeFirstByte).toBe(false);
    expect(events).toBeGreaterThanOrEqual(10);
    expect(result.body).toBe(STREAM_BODY);
    expect(result.complete).toBe(true);
    expect(p.stats.requests).toBe(1);
    expect(p.stats.bytes.toClient).toBe(STREAM_BODY.length);
  });

  it("forwards request bodies and WebSocket frames both ways", async () => {
    const p = await proxy();
    const echoed = await withDeadline(
      new Promise<string>((resolve, reject) => {
        const req = request(`${p.origin}/echo`, { method: "POST", agent: false }, (res) => {
          const body: Buffer[] = [];
          res.on("data", (c: Buffer) => body.push(c));
          res.on("end", () => resolve(Buffer.concat(body).toString()));
        });
        req.on("error", reject);
        req.end("ping-body");
      }),
      DEADLINE,
      "POST /echo",
    );
    expect(echoed).toBe("ping-body");
    expect(p.stats.bytes.toTarget).toBe("ping-body".length);

    const ws = openWs(wsUrl(p.origin, "/socket?transport=websocket"));
    await waitFor(ws, "open", DEADLINE);
    ws.send("hello through");
    const [data] = await waitFor<[Buffer]>(ws, "message", DEADLINE);
    expect(data.toString()).toBe("hello through");
    expect(p.stats.upgrades).toBe(1);
    expect(target.upgrades).toEqual(["/socket?transport=websocket"]);
  });
});

describe("refuseWebSocket", () => {
  it.each([403, 400] as const)("answers upgrades with %i and never reaches the target", async (status) => {
    const p = await proxy({ scenario: { refuseWebSocket: status } });
    expect(await upgradeStatus(openWs(wsUrl(p.origin, "/socket?transport=websocket")))).toBe(status);
    expect(target.upgrades).toEqual([]);
    expect(p.stats.actions.refuseWebSocket).toBe(1);
    // Plain HTTP is untouched.
    expect((await httpGet(`${p.origin}/hello?transport=polling`)).body).toBe("hello");
  });
});

describe("hangWebSocket", () => {
  it("reads the upgrade, stays silent until the deadline, and lets go only on close()", async () => {
    const p = await proxy({ scenario: { hangWebSocket: true } });
    const ws = openWs(wsUrl(p.origin, "/socket?transport=websocket"));
    await waitFor(p.events, "action", DEADLINE);
    expect(p.stats.actions.hangWebSocket).toBe(1);
    await expectSilence(ws, ["open", "upgrade", "unexpected-response", "close"], 750);
    expect(ws.readyState).toBe(WebSocket.CONNECTING);
    expect(target.upgrades).toEqual([]);
    const closed = waitFor(ws, "close", DEADLINE);
    await p.close();
    await closed;
  });
});

describe("cutWebSocket", () => {
  it("destroys both sides after N bytes of frames (target → client)", async () => {
    const p = await proxy({ scenario: { cutWebSocket: { afterBytes: 100 } } });
    // 20 unmasked text frames of 10 bytes = 12 bytes each on the wire: 100 bytes hold 8 whole frames.
    const ws = openWs(wsUrl(p.origin, "/socket?mode=burst&count=20&size=10"));
    let messages = 0;
    ws.on("message", () => (messages += 1));
    const targetClosed = waitFor(target.events, "ws-close", DEADLINE);
    const [code] = await waitFor<[number]>(ws, "close", DEADLINE);
    await targetClosed;
    expect(code).toBe(1006);
    expect(messages).toBeGreaterThanOrEqual(7);
    expect(messages).toBeLessThanOrEqual(8);
    expect(p.stats.actions.cutWebSocket).toBe(1);
  });

  it("counts client → target bytes too: a large client frame is cut before the target gets it", async () => {
    const p = await proxy({ scenario: { cutWebSocket: { afterBytes: 100 } } });
    const ws = openWs(wsUrl(p.origin, "/socket"));
    await waitFor(ws, "open", DEADLINE);
    let echoed = false;
    ws.on("message", () => (echoed = true));
    ws.send("y".repeat(200));
    const [code] = await waitFor<[number]>(ws, "close", DEADLINE);
    expect(code).toBe(1006);
    expect(echoed).toBe(false);
    expect(p.stats.bytes.toTarget).toBe(100);
  });

  it("destroys both sides N ms after the handshake, the pipe working until then", async () => {
    const afterMs = 1_500;
    const p = await proxy({ scenario: { cutWebSocket: { afterMs } } });
    const started = performance.now();
    const ws = openWs(wsUrl(p.origin, "/socket"));
    const closed = waitFor<[number]>(ws, "close", DEADLINE);
    await waitFor(ws, "open", DEADLINE);
    ws.send("still alive");
    const [data] = await waitFor<[Buffer]>(ws, "message", DEADLINE);
    expect(data.toString()).toBe("still alive");
    const [code] = await closed;
    expect(code).toBe(1006);
    expect(performance.now() - started).toBeGreaterThanOrEqual(afterMs - 5);
    expect(p.stats.actions.cutWebSocket).toBe(1);
  });
});

describe("bufferResponses", () => {
  it("holds a streamed body until the server ends it, then sends it whole", async () => {
    const p = await proxy({ scenario: { bufferResponses: true } });
    let serverEnded = false;
    let dataBeforeEnd = 0;
    target.events.once("stream-end", () => (serverEnded = true));
    const result = await httpGet(`${p.origin}/stream?n=10&transport=xhr-multipart`, () => {
      if (!serverEnded) dataBeforeEnd += 1;
    });
    expect(serverEnded).toBe(true);
    expect(dataBeforeEnd).toBe(0);
    expect(result.body).toBe(STREAM_BODY);
    expect(result.headers["content-length"]).toBe(String(STREAM_BODY.length));
    expect(result.chunks.length).toBeLessThan(10);
    expect(p.stats.actions.bufferResponses).toBe(1);
  });

  it("with { transport } buffers only that transport", async () => {
    const p = await proxy({ scenario: { bufferResponses: { transport: "xhr-multipart" } } });
    const other = await httpGet(`${p.origin}/stream?n=3&transport=polling`);
    expect(other.headers["transfer-encoding"]).toBe("chunked");
    const hit = await httpGet(`${p.origin}/stream?n=3&transport=xhr-multipart`);
    expect(hit.headers["content-length"]).toBe(String(3 * CHUNK_BYTES));
    expect(p.stats.actions.bufferResponses).toBe(1);
  });
});

describe("delayMs", () => {
  it("waits D ms before forwarding a request", async () => {
    const p = await proxy({ scenario: { delayMs: 300 } });
    const sent = performance.now();
    const arrived = waitFor(target.events, "request", DEADLINE).then(() => performance.now());
    expect((await httpGet(`${p.origin}/hello`)).body).toBe("hello");
    expect((await arrived) - sent).toBeGreaterThanOrEqual(295);
    expect(p.stats.actions.delayMs).toBe(1);
  });

  it("with { upgrades: true } delays only upgrades", async () => {
    const p = await proxy({ scenario: { delayMs: { ms: 300, upgrades: true } } });
    await httpGet(`${p.origin}/hello`);
    expect(p.stats.actions.delayMs).toBe(0);
    const sent = performance.now();
    const ws = openWs(wsUrl(p.origin, "/socket?transport=websocket"));
    await waitFor(ws, "open", DEADLINE);
    expect(performance.now() - sent).toBeGreaterThanOrEqual(295);
    expect(p.stats.actions.delayMs).toBe(1);
  });
});

describe("failTransport", () => {
  it("answers 502 only to the named transport, requests and upgrades alike", async () => {
    const p = await proxy({ scenario: { failTransport: { name: "polling", status: 502 } } });
    const failed = await httpGet(`${p.origin}/hello?EIO=4&transport=polling`);
    expect(failed.status).toBe(502);
    const passed = await httpGet(`${p.origin}/hello?EIO=4&transport=xhr-multipart`);
    expect([passed.status, passed.body]).toEqual([200, "hello"]);
    expect(target.requests).toEqual(["/hello?EIO=4&transport=xhr-multipart"]);

    // JSONP is polling with `j` on the wire, but has its own name here, so the two fail separately.
    expect((await httpGet(`${p.origin}/hello?EIO=4&transport=polling&j=0`)).status).toBe(200);
    p.setScenario({ failTransport: { name: "jsonp", status: 502 } });
    expect((await httpGet(`${p.origin}/hello?EIO=4&transport=polling&j=1`)).status).toBe(502);
    expect((await httpGet(`${p.origin}/hello?EIO=4&transport=polling`)).status).toBe(200);

    p.setScenario({ failTransport: { name: "websocket", status: 502 } });
    expect(await upgradeStatus(openWs(wsUrl(p.origin, "/socket?EIO=4&transport=websocket")))).toBe(502);
    expect(target.upgrades).toEqual([]);
    expect(p.stats.actions.failTransport).toBe(3);
  });
});

describe("dropMidResponse", () => {
  it("destroys the client socket after exactly N body bytes, and the target's response with it", async () => {
    const p = await proxy({ scenario: { dropMidResponse: { afterBytes: 40 } } });
    const targetClose = waitFor<[boolean]>(target.events, "stream-close", DEADLINE);
    const result = await httpGet(`${p.origin}/stream?n=10&transport=xhr-multipart`);
    expect(result.status).toBe(200);
    expect(result.complete).toBe(false);
    expect(result.body).toBe(STREAM_BODY.slice(0, 40));
    expect(await targetClose).toEqual([false]);
    expect(p.stats.actions.dropMidResponse).toBe(1);
  });

  it("with { transport } leaves other transports whole", async () => {
    const p = await proxy({ scenario: { dropMidResponse: { transport: "htmlfile", afterBytes: 5 } } });
    const other = await httpGet(`${p.origin}/stream?n=10&transport=polling`);
    expect([other.complete, other.body]).toEqual([true, STREAM_BODY]);
    const hit = await httpGet(`${p.origin}/stream?n=10&transport=htmlfile`);
    expect([hit.complete, hit.body]).toEqual([false, STREAM_BODY.slice(0, 5)]);
  });
});

describe("setScenario", () => {
  it("changes the weather for new connections only", async () => {
    const p = await proxy();
    const first = openWs(wsUrl(p.origin, "/socket?transport=websocket"));
    await waitFor(first, "open", DEADLINE);
    p.setScenario({ refuseWebSocket: 403 });
    expect(await upgradeStatus(openWs(wsUrl(p.origin, "/socket?transport=websocket")))).toBe(403);
    first.send("old one still works");
    const [data] = await waitFor<[Buffer]>(first, "message", DEADLINE);
    expect(data.toString()).toBe("old one still works");
    expect(() => p.setScenario({ cutWebSocket: {} })).toThrow(/afterMs or afterBytes/);
  });
});

describe("lifecycle and guards", () => {
  it("close() destroys every socket on both sides and stops listening", async () => {
    const p = await proxy({ scenario: { hangWebSocket: { transport: "flashsocket" } } });
    let release = () => {};
    target.gate = () => new Promise<void>((resolve) => (release = resolve));
    const streamClosed = waitFor<[boolean]>(target.events, "stream-close", DEADLINE);
    const streamOpen = waitFor(target.events, "request", DEADLINE);
    const stream = httpGet(`${p.origin}/stream?n=10`);
    const hangs = waitFor(p.events, "action", DEADLINE);
    const piped = openWs(wsUrl(p.origin, "/socket?transport=websocket"));
    const hung = openWs(wsUrl(p.origin, "/socket?transport=flashsocket"));
    await Promise.all([streamOpen, waitFor(piped, "open", DEADLINE), hangs]);
    const targetWsClosed = waitFor(target.events, "ws-close", DEADLINE);
    const closes = [waitFor(piped, "close", DEADLINE), waitFor(hung, "close", DEADLINE)];
    expect(p.openSockets).toBeGreaterThanOrEqual(5);

    await withDeadline(p.close(), DEADLINE, "proxy.close()");
    expect(p.server.listening).toBe(false);
    expect(p.openSockets).toBe(0);
    await Promise.all(closes);
    expect((await stream).complete).toBe(false);
    expect(await streamClosed).toEqual([false]);
    await targetWsClosed;
    release();
    const refused = await new Promise<string>((resolve) => {
      const socket = tcpConnect(p.port, "127.0.0.1");
      socket.on("connect", () => (socket.destroy(), resolve("connected")));
      socket.on("error", (e: NodeJS.ErrnoException) => resolve(e.code ?? "error"));
    });
    expect(refused).toBe("ECONNREFUSED");
  });

  it("closes itself after maxLifetimeMs", async () => {
    const p = await proxy({ maxLifetimeMs: 300 });
    await withDeadline(p.closed, DEADLINE, "proxy lifetime");
    expect(p.server.listening).toBe(false);
  });

  it("refuses non-loopback targets and hosts, and bad scenarios, with clear errors", async () => {
    await expect(startFaultProxy({ target: "http://example.com:80" })).rejects.toThrow(/non-loopback target "http:\/\/example.com:80"/);
    await expect(startFaultProxy({ target: "http://10.1.2.3:8080" })).rejects.toThrow(/non-loopback/);
    await expect(startFaultProxy({ target: target.origin, host: "0.0.0.0" })).rejects.toThrow(/non-loopback host/);
    await expect(startFaultProxy({ target: target.origin, scenario: { delayMs: -1 } })).rejects.toThrow(RangeError);
    const viaLocalhost = await proxy({ host: "localhost" });
    expect(viaLocalhost.origin).toMatch(/^http:\/\/localhost:\d+$/);
    const viaV6 = await proxy({ host: "::1" });
    expect(viaV6.origin).toMatch(/^http:\/\/\[::1\]:\d+$/);
    expect((await httpGet(`${viaV6.origin}/hello`)).body).toBe("hello");
  });

  it("survives garbage and an absent target: 400 and 502, then keeps serving", async () => {
    const p = await proxy();
    const reply = await withDeadline(
      new Promise<string>((resolve) => {
        const socket = tcpConnect(p.port, "127.0.0.1", () => socket.write("\x00\x01 not http at all\r\n\r\n"));
        let text = "";
        socket.on("data", (c: Buffer) => (text += c.toString()));
        socket.on("close", () => resolve(text));
        socket.on("error", () => {});
      }),
      DEADLINE,
      "garbage request",
    );
    expect(reply).toMatch(/^HTTP\/1\.1 400/);

    // A port that was just free: nothing listens there.
    const spare = createTcpServer();
    await new Promise<void>((resolve) => spare.listen(0, "127.0.0.1", resolve));
    const deadPort = (spare.address() as AddressInfo).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));
    const dead = await startFaultProxy({ target: `http://127.0.0.1:${deadPort}` });
    proxies.push(dead);
    expect((await httpGet(`${dead.origin}/hello`)).status).toBe(502);
    expect(await upgradeStatus(openWs(wsUrl(dead.origin, "/socket")))).toBe(502);
    expect((await httpGet(`${p.origin}/hello`)).body).toBe("hello");
  });
});

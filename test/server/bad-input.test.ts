// Malformed and hostile input over real HTTP and WebSocket: each case gets the answer PROTOCOL.md §1–2 names
// (HTTP status + JSON error, or the session/connection closed), a logged reason — and a healthy
// socket.io-client connected meanwhile keeps exchanging events, never noticing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { connect as tcpConnect } from "node:net";
import { randomBytes } from "node:crypto";
import { WebSocket } from "ws";
import { io as ioc, type Socket as ClientSocket } from "socket.io-client";
import { Server, type Socket } from "@omnio/server";
import { closeHttp, listen, recordingLogger, until, waitFor } from "../../packages/server/test/helpers.js";

const MAX = 10_000;
const logger = recordingLogger();
let io: Server;
let url: string;
let base: string;
let healthy: ClientSocket;
let healthyDisconnects = 0;
let pings = 0;

beforeAll(async () => {
  const http = createServer();
  io = new Server(http, { logger, maxHttpBufferSize: MAX, connectTimeout: 20_000 });
  io.on("connection", (socket) => socket.on("ping?", (n: number, ack: (n: number) => void) => ack(n)));
  ({ url } = await listen(http));
  base = `${url}/socket.io/`;
  healthy = ioc(url, { forceNew: true, reconnection: false });
  healthy.on("disconnect", () => healthyDisconnects++);
  await waitFor(healthy, "connect");
});

afterAll(async () => {
  healthy.disconnect();
  await io.close();
  if (io.httpServer) await closeHttp(io.httpServer);
});

let warningsBefore = 0;
afterEach(async () => {
  // the bystander: still connected, still answering, same session
  const n = ++pings;
  expect(await healthy.timeout(5000).emitWithAck("ping?", n)).toBe(n);
  expect(healthyDisconnects).toBe(0);
  warningsBefore = logger.warnings().length;
});

/** The warnings logged since the previous test. */
const newWarnings = (): string[] => logger.warnings().slice(warningsBefore);

async function expectError(res: Response, status: number, code: number, message: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/json");
  expect(await res.json()).toEqual({ code, message });
}

async function pollingSession(): Promise<string> {
  const body = await (await fetch(`${base}?EIO=4&transport=polling`)).text();
  return JSON.parse(body.slice(1)).sid as string;
}

/** A raw WebSocket session, its open packet read. */
async function wsSession(): Promise<{ ws: WebSocket; sid: string }> {
  const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket`);
  const [data] = await waitFor<[Buffer]>(ws, "message");
  return { ws, sid: JSON.parse(data.toString().slice(1)).sid as string };
}

describe("HTTP requests the server refuses", () => {
  it("wrong or missing EIO → 400 code 5", async () => {
    await expectError(await fetch(`${base}?EIO=3&transport=polling`), 400, 5, "Unsupported protocol version");
    await expectError(await fetch(`${base}?transport=polling`), 400, 5, "Unsupported protocol version");
    expect(newWarnings().join("\n")).toMatch(/EIO=3[\s\S]*EIO=\(missing\)/);
  });

  it("unknown transport → 400 code 0", async () => {
    await expectError(await fetch(`${base}?EIO=4&transport=carrier-pigeon`), 400, 0, "Transport unknown");
    await expectError(await fetch(`${base}?EIO=4`), 400, 0, "Transport unknown");
    expect(newWarnings().some((w) => w.includes('transport "carrier-pigeon" not served'))).toBe(true);
  });

  it("unknown sid → 400 code 1", async () => {
    await expectError(await fetch(`${base}?EIO=4&transport=polling&sid=not-a-session`), 400, 1, "Session ID unknown");
    await expectError(await fetch(`${base}?EIO=4&transport=polling&sid=x`, { method: "POST", body: "40" }), 400, 1, "Session ID unknown");
    expect(newWarnings().some((w) => w.includes('unknown sid "not-a-session"'))).toBe(true);
  });

  it("bad handshake method (PUT, POST without sid) → 400 code 2", async () => {
    await expectError(await fetch(`${base}?EIO=4&transport=polling`, { method: "PUT", body: "x" }), 400, 2, "Bad handshake method");
    await expectError(await fetch(`${base}?EIO=4&transport=polling`, { method: "POST", body: "40" }), 400, 2, "Bad handshake method");
    expect(newWarnings().filter((w) => /handshake with (PUT|POST)/.test(w))).toHaveLength(2);
  });

  it("websocket transport over plain HTTP → 400 code 3", async () => {
    await expectError(await fetch(`${base}?EIO=4&transport=websocket`), 400, 3, "Bad request");
    expect(newWarnings().some((w) => w.includes("needs a WebSocket upgrade"))).toBe(true);
  });

  it("a stolen sid (used with another transport) → 400 code 3, the owner unharmed", async () => {
    const { ws, sid } = await wsSession();
    await expectError(await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`), 400, 3, "Bad request");
    // a second WebSocket for the same session
    const thief = new WebSocket(`${base.replace("http", "ws")}?EIO=4&transport=websocket&sid=${sid}`);
    thief.on("error", () => {}); // the refusal itself is asserted below
    const [, res] = await waitFor<[unknown, { statusCode: number }]>(thief, "unexpected-response");
    expect(res.statusCode).toBe(400);
    thief.terminate();
    expect(newWarnings().filter((w) => w.includes(`sid used with transport`))).toHaveLength(2);
    // the real owner still talks: CONNECT to "/" is answered
    ws.send("40");
    const [reply] = await waitFor<[Buffer]>(ws, "message");
    expect(reply.toString()).toMatch(/^40\{"sid":"/);
    ws.close();
  });

  it("a second concurrent GET → 400, and the session is closed (first GET gets the close packet)", async () => {
    const sid = await pollingSession();
    const first = fetch(`${base}?EIO=4&transport=polling&sid=${sid}`);
    await until(() => io.engine.clients.get(sid)?.writable === true, 5000, "the first GET to be held");
    await expectError(await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`), 400, 3, "Bad request");
    expect(await (await first).text()).toBe("1");
    expect(io.engine.clients.has(sid)).toBe(false);
    await expectError(await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`), 400, 1, "Session ID unknown");
    expect(newWarnings().some((w) => w.includes("a second GET while one is pending"))).toBe(true);
  });

  it("an oversized POST → 413 and the session closed (declared and streamed)", async () => {
    const sid = await pollingSession();
    const res = await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "4" + "x".repeat(MAX + 10) });
    expect(res.status).toBe(413);
    expect(io.engine.clients.has(sid)).toBe(false);

    const sid2 = await pollingSession();
    const chunks = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 4; i++) c.enqueue(new TextEncoder().encode("4" + "y".repeat(MAX / 2)));
        c.close();
      },
    });
    const streamed = await fetch(`${base}?EIO=4&transport=polling&sid=${sid2}`, { method: "POST", body: chunks, duplex: "half" } as RequestInit);
    expect(streamed.status).toBe(413);
    expect(io.engine.clients.has(sid2)).toBe(false);
    expect(newWarnings().filter((w) => w.includes("POST body too large"))).toHaveLength(2);
  });

  it("malformed Engine.IO packets in a POST → 400 code 3 and the session closed", async () => {
    for (const body of ["9nine", "", "4a\x1e", "bnot*base64!"]) {
      const sid = await pollingSession();
      const res = await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body });
      await expectError(res, 400, 3, "Bad request");
      expect(io.engine.clients.has(sid)).toBe(false);
    }
    expect(newWarnings().filter((w) => w.includes("malformed payload in POST"))).toHaveLength(4);
  });

  it("a v3-style ping from the client closes the session", async () => {
    const sid = await pollingSession();
    const closed = waitFor<[string]>(io.engine.clients.get(sid)!, "close");
    expect((await fetch(`${base}?EIO=4&transport=polling&sid=${sid}`, { method: "POST", body: "2" })).status).toBe(200);
    expect((await closed)[0]).toBe("transport error");
    expect(newWarnings()).toContain("unexpected ping packet");
  });
});

describe("WebSocket input the server refuses", () => {
  it("malformed Engine.IO frames close the WebSocket with 1002", async () => {
    for (const frame of ["9nine", "", "b%%%"]) {
      const { ws, sid } = await wsSession();
      const closed = waitFor<[number]>(ws, "close");
      ws.send(frame);
      expect((await closed)[0]).toBe(1002);
      await until(() => !io.engine.clients.has(sid), 5000, "the session to close");
    }
    expect(newWarnings().filter((w) => w.includes("malformed packet in a WebSocket frame"))).toHaveLength(3);
  });

  const socketCases: Array<[string, Array<string | Buffer>]> = [
    ["bad packet type", ["49"]],
    ["broken JSON", ['42["broken']],
    ["reserved event name", ['42["disconnect"]']],
    ["non-numeric ack id", ['42x["ev"]']],
    ["ack id too large", ['4299999999999999999999["ev"]']],
    ["event data not an array", ['42{"a":1}']],
    ["binary frame while none is expected", [Buffer.from([1, 2, 3])]],
    ["text frame while an attachment is pending", ['451-["ev",{"_placeholder":true,"num":0}]', "42[\"ev\"]"]],
    ["placeholder out of range", ['451-["ev",{"_placeholder":true,"num":3}]']],
  ];

  it.each(socketCases)("malformed Socket.IO packet (%s) → the connection closes with parse error", async (_name, frames) => {
    const { ws } = await wsSession();
    const connected = waitFor<[Socket]>(io, "connection");
    ws.send("40");
    const [socket] = await connected;
    const reason = waitFor<[string]>(socket, "disconnect");
    const closed = waitFor(ws, "close");
    for (const f of frames) ws.send(f);
    expect((await reason)[0]).toBe("parse error");
    await closed;
    expect(newWarnings()).toContain("malformed Socket.IO packet: closing the connection");
  });

  it("attachments beyond maxBufferedBytes for one packet close the connection", async () => {
    const http = createServer();
    const small = new Server(http, { logger, maxBufferedBytes: 2500 });
    const { url: smallUrl } = await listen(http);
    try {
      const ws = new WebSocket(`${smallUrl.replace("http", "ws")}/socket.io/?EIO=4&transport=websocket`);
      await waitFor(ws, "message");
      const connected = waitFor<[Socket]>(small, "connection");
      ws.send("40");
      const [socket] = await connected;
      const reason = waitFor<[string]>(socket, "disconnect");
      const placeholders = Array.from({ length: 5 }, (_, num) => ({ _placeholder: true, num }));
      ws.send(`455-${JSON.stringify(["ev", ...placeholders])}`);
      for (let i = 0; i < 5; i++) ws.send(Buffer.alloc(1000));
      expect((await reason)[0]).toBe("parse error");
    } finally {
      await small.close();
    }
  });

  it("an unknown ack id is logged and ignored", async () => {
    const { ws } = await wsSession();
    ws.send("40");
    await waitFor(ws, "message");
    ws.send("4312[1]");
    ws.send('42["ping?",7]');
    await until(() => newWarnings().includes("ack for unknown id 12"), 5000, "the warning");
    ws.close();
  });

  it("garbage bytes after the upgrade (not WebSocket frames) close the connection", async () => {
    const { port } = new URL(url);
    const sock = tcpConnect(Number(port), "127.0.0.1");
    const key = randomBytes(16).toString("base64");
    sock.write(
      `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n` +
        `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
    const [head] = await waitFor<[Buffer]>(sock, "data");
    expect(head.toString()).toMatch(/^HTTP\/1.1 101/);
    const before = io.engine.clientsCount;
    sock.write(Buffer.from([0xff, 0xff, 0x00, 0x13, 0x37, 0x42, 0x42, 0x42]));
    await waitFor(sock, "close");
    await until(() => io.engine.clientsCount === before - 1, 5000, "the session to close");
    expect(newWarnings().some((w) => w === "websocket error")).toBe(true);
  });

  it("a WebSocket upgrade with a bad query is answered 400 with the JSON error", async () => {
    const ws = new WebSocket(`${base.replace("http", "ws")}?EIO=3&transport=websocket`);
    ws.on("error", () => {}); // the refusal itself is asserted below
    const [, res] = await waitFor<[unknown, { statusCode: number; on(e: string, f: (b: Buffer) => void): void }]>(ws, "unexpected-response");
    expect(res.statusCode).toBe(400);
    const body = await new Promise<string>((ok) => {
      let s = "";
      res.on("data", (b) => (s += b.toString()));
      res.on("end", () => ok(s));
    });
    expect(JSON.parse(body)).toEqual({ code: 5, message: "Unsupported protocol version" });
    ws.terminate();
  });
});

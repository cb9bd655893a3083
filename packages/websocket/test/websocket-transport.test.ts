// Unit tests of the websocket transport in Node, with the `ws` package as the WebSocket class, against a
// bare `ws` server on port 0 that plays whatever frames a test needs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import WebSocket, { WebSocketServer } from "ws";
import { ProtocolError, TransportError, type Transport } from "@omnio/client";
import { websocket } from "@omnio/websocket";
import { Driver, waitUntil } from "../../polling/test/driver.js";

let http: Server;
let wss: WebSocketServer;
let base: string;
const peers: Array<{ socket: WebSocket; request: IncomingMessage; received: Array<string | Buffer> }> = [];
const wakers = new Set<() => void>();
const wake = () => [...wakers].forEach((w) => w());
const serverSaw = (test: () => boolean, label: string) => waitUntil(test, label, 5000, wakers);
let transport: Transport | undefined;

beforeAll(async () => {
  http = createServer();
  wss = new WebSocketServer({ server: http });
  wss.on("connection", (socket, request) => {
    const peer = { socket, request, received: [] as Array<string | Buffer> };
    peers.push(peer);
    socket.on("message", (data, isBinary) => {
      peer.received.push(isBinary ? (data as Buffer) : data.toString());
      wake();
    });
    socket.on("close", wake);
    wake();
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
});
afterEach(() => {
  transport?.close();
  transport = undefined;
  for (const p of peers.splice(0)) p.socket.terminate();
});
afterAll(async () => {
  wss.close();
  await new Promise((resolve) => http.close(resolve));
});

async function connect(driver = new Driver(base)): Promise<{ driver: Driver; peer: (typeof peers)[number] }> {
  transport = websocket({ WebSocket }).create(driver.context());
  transport.open();
  await driver.until(() => driver.count("open") === 1, "open");
  await serverSaw(() => peers.length === 1, "the server-side socket");
  return { driver, peer: peers[0]! };
}

describe("websocket transport", () => {
  it("connects to ws:// with transport, EIO, sid and user query; onOpen comes first", async () => {
    const driver = new Driver(base);
    driver.sid = "abc";
    driver.query = { token: "a b" };
    const { peer } = await connect(driver);
    const url = new URL(peer.request.url!, "ws://x");
    expect(url.pathname).toBe("/socket.io/");
    expect(Object.fromEntries(url.searchParams)).toEqual({ EIO: "4", sid: "abc", token: "a b", transport: "websocket" });
    expect(driver.events).toEqual([{ kind: "open" }]);
    expect(transport!.writable).toBe(true);
  });

  it("receives text packets and raw binary frames, in order", async () => {
    const { driver, peer } = await connect();
    peer.socket.send('0{"sid":"s9","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}');
    peer.socket.send("2");
    peer.socket.send(Buffer.from([1, 2, 3]));
    peer.socket.send("4hi");
    await driver.until(() => driver.packets.length === 4, "four packets");
    expect(driver.sid).toBe("s9");
    expect(driver.packets.map((p) => p.type)).toEqual(["open", "ping", "message", "message"]);
    const binary = driver.packets[2]!.data;
    expect(binary).toBeInstanceOf(ArrayBuffer);
    expect([...new Uint8Array(binary as ArrayBuffer)]).toEqual([1, 2, 3]);
    expect(driver.packets[3]!.data).toBe("hi");
  });

  it("sends one frame per packet, binary raw, then drains asynchronously", async () => {
    const { driver, peer } = await connect();
    const bytes = new Uint8Array([9, 8, 7, 6]);
    transport!.send([{ type: "pong" }, { type: "message", data: "x" }, { type: "message", data: bytes.subarray(1, 3) }]);
    expect(transport!.writable).toBe(false);
    expect(driver.count("drain")).toBe(0); // never from inside send()
    await driver.until(() => driver.count("drain") === 1, "drain");
    expect(transport!.writable).toBe(true);
    await serverSaw(() => peer.received.length === 3, "three frames");
    expect(peer.received.slice(0, 2)).toEqual(["3", "4x"]);
    expect([...(peer.received[2] as Buffer)]).toEqual([8, 7]);
  });

  it("passes extraHeaders to ws in Node", async () => {
    const { peer } = await connect(new Driver(base, { extraHeaders: { "x-omnio": "yes" } }));
    expect(peer.request.headers["x-omnio"]).toBe("yes");
  });

  it.each([
    ["unknown packet type", "9x"],
    ["empty frame", ""],
  ])("a malformed frame (%s) closes with a TransportError caused by ProtocolError", async (_label, frame) => {
    const { driver, peer } = await connect();
    peer.socket.send(frame);
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.reason).toBe("parse error");
    expect(driver.closed!.error).toBeInstanceOf(TransportError);
    expect(driver.closed!.error!.cause).toBeInstanceOf(ProtocolError);
    const error = driver.closed!.error!;
    expect(error.message).toMatch(/^Failed to read from websocket to ws:\/\/127\.0\.0\.1:\d+\/socket\.io\/\?/);
    expect(error.message.endsWith(": " + (error.cause as Error).message)).toBe(true);;
    await serverSaw(() => peer.socket.readyState === WebSocket.CLOSED, "the socket closed");
  });

  it("a clean close by the server is a close without error; an abnormal one carries a TransportError", async () => {
    const first = await connect();
    first.peer.socket.close(1000);
    await first.driver.until(() => !!first.driver.closed, "clean close");
    expect(first.driver.closed).toEqual({ kind: "close", reason: "transport close" });
    peers.length = 0;

    const second = await connect();
    second.peer.socket.terminate();
    await second.driver.until(() => !!second.driver.closed, "abnormal close");
    expect(second.driver.closed!.reason).toBe("transport close");
    expect(second.driver.closed!.error).toBeInstanceOf(TransportError);
    expect(second.driver.closed!.error!.message).toMatch(/^Lost websocket to ws:\/\/.*: \(code 1006\)$/);
  });

  it("connection refused → 'Failed to open websocket to …' with the cause", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve)); // now nothing listens there
    const driver = new Driver(`http://127.0.0.1:${port}/socket.io/`);
    transport = websocket({ WebSocket }).create(driver.context());
    transport.open();
    await driver.until(() => !!driver.closed, "close");
    const error = driver.closed!.error as TransportError;
    expect(error.transport).toBe("websocket");
    expect(error.message).toMatch(
      new RegExp(`^Failed to open websocket to ws://127\\.0\\.0\\.1:${port}/socket\\.io/\\?EIO=4&transport=websocket: .*ECONNREFUSED.*\\(code 1006\\)$`),
    );
    expect(error.cause).toBeInstanceOf(Error);
    expect(driver.count("open")).toBe(0);
  });

  it("close() releases the socket and the sink hears nothing afterwards, even mid-drain or mid-connect", async () => {
    const { driver, peer } = await connect();
    transport!.send([{ type: "message", data: "bye" }]);
    transport!.close(); // before the drain task ran
    await serverSaw(() => peer.socket.readyState === WebSocket.CLOSED, "server saw the close");
    expect(driver.events).toEqual([{ kind: "open" }]);
    expect(transport!.writable).toBe(false);

    // Closing while still connecting: `ws` emits an error event then; it must not escape.
    const early = new Driver(base);
    const t = websocket({ WebSocket }).create(early.context());
    t.open();
    t.close();
    // `ws` aborts the handshake on process.nextTick; one setImmediate turn is after it (an ordering, not a sleep).
    await new Promise((resolve) => setImmediate(resolve));
    expect(early.events).toEqual([]);
  });

  it("a constructor that throws (here: an invalid subprotocol) → async TransportError, never a throw from open()", async () => {
    const driver = new Driver(base);
    transport = websocket({ WebSocket, protocols: "not a token" }).create(driver.context());
    expect(() => transport!.open()).not.toThrow();
    expect(driver.events).toEqual([]);
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.reason).toBe("transport error");
    expect(driver.closed!.error).toBeInstanceOf(TransportError);
    expect(driver.closed!.error!.cause).toBeInstanceOf(SyntaxError);
    expect(driver.closed!.error!.message).toMatch(/^Failed to open websocket to ws:\/\/.*: .*subprotocol/);
    expect(peers).toEqual([]);
  });

  it("close() right after a constructor that throws: nothing is reported", async () => {
    const driver = new Driver(base);
    const t = websocket({ WebSocket, protocols: "not a token" }).create(driver.context());
    t.open();
    t.close();
    await Promise.resolve();
    expect(driver.events).toEqual([]);
  });
});

describe("websocket probe and traits", () => {
  const env = (global: object) => ({ url: new URL("http://x/socket.io/"), crossOrigin: true, global: global as typeof globalThis });
  it("supported iff a constructor is available, with the reason", () => {
    expect(websocket({ WebSocket }).probe(env({}))).toEqual({ supported: true, reason: "WebSocket from options" });
    expect(websocket().probe(env({ WebSocket }))).toEqual({ supported: true, reason: "global WebSocket present" });
    expect(websocket().probe(env({}))).toEqual({ supported: false, reason: "no global WebSocket" });
  });
  it("accepts both the browser's WebSocket class and ws's without casts (compile-time check)", () => {
    const withBrowserClass = (C: typeof globalThis.WebSocket) => websocket({ WebSocket: C });
    const withWsClass = (C: typeof WebSocket) => websocket({ WebSocket: C });
    expect(withWsClass(WebSocket).name).toBe("websocket");
    expect(typeof withBrowserClass).toBe("function");
  });
  it("traits", () => {
    expect(websocket().traits).toEqual({ duplex: true, streaming: false, binary: true, crossOrigin: "none", handshake: true });
  });
});

// omnio's client in Node against a real socket.io@4.8 server on loopback port 0: websocket only, polling only,
// and polling → websocket upgrade. Events, binary, acks both ways, multiplexed namespaces, middleware errors,
// volatile, Blob ordering, server-side disconnect, reconnection after a server restart on the same port,
// connection state recovery, and the CDN build.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Server, type Socket as ServerSocket } from "socket.io";
import WebSocket from "ws";
import { connect, ranked, type ConnectOptions, type Socket, type TransportFactory } from "@omnio/client";
import { websocket, type WebSocketConstructor } from "@omnio/websocket";
import { polling } from "@omnio/polling";
import { collect, until, waitFor } from "../helpers/wait.js";

const WS = (globalThis.WebSocket ?? WebSocket) as unknown as WebSocketConstructor;

interface Peer {
  io: Server;
  http: HttpServer;
  url: string;
  port: number;
}

function setUp(io: Server): void {
  io.on("connection", (s) => {
    s.on("echo", (...args: unknown[]) => s.emit("echo", ...args));
    s.on("ack", (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    s.on("ask", (question: unknown, cb: (err: unknown, answer: unknown) => void) => {
      s.timeout(5000).emit("question", question, cb);
    });
  });
  io.of("/custom").on("connection", (s) => {
    s.on("who", (cb: (nsp: string) => void) => cb(s.nsp.name));
  });
  io.of("/private").use((_s, next) => next(Object.assign(new Error("not authorized"), { data: { code: 42 } })));
}

async function startPeer(port = 0, transports: Array<"polling" | "websocket"> = ["polling", "websocket"]): Promise<Peer> {
  const http = createServer();
  const io = new Server(http, { transports, pingInterval: 2000, pingTimeout: 2000 });
  setUp(io);
  await new Promise<void>((resolve) => http.listen(port, "127.0.0.1", resolve));
  const actual = (http.address() as AddressInfo).port;
  return { io, http, port: actual, url: `http://127.0.0.1:${actual}` };
}

/** Stop as a crash or a restart would: no DISCONNECT packets, connections simply end. */
async function stopPeer(peer: Peer): Promise<void> {
  const closed = new Promise<void>((resolve) => peer.io.close(() => resolve()));
  peer.http.closeAllConnections();
  await closed;
}

const modes: Array<{ name: string; transports: () => TransportFactory[]; final: string; ranked?: boolean }> = [
  { name: "websocket only", transports: () => [websocket({ WebSocket: WS })], final: "websocket" },
  { name: "polling only", transports: () => [polling()], final: "polling" },
  { name: "polling → websocket upgrade", transports: () => [websocket({ WebSocket: WS }), polling()], final: "websocket", ranked: true },
];

const sockets: Socket[] = [];
function client(url: string, opts: Partial<ConnectOptions> & { transports: TransportFactory[] }): Socket {
  const s = connect(url, { forceNew: true, reconnectionDelay: 50, reconnectionDelayMax: 200, ...opts });
  sockets.push(s);
  return s;
}
afterEach(() => {
  for (const s of sockets.splice(0)) s.disconnect();
});

describe.each(modes)("omnio client ↔ socket.io@4.8 ($name)", ({ transports, final, ranked: rank }) => {
  let peer: Peer;
  beforeAll(async () => {
    peer = await startPeer();
  });
  afterAll(() => stopPeer(peer));

  async function connected(nsp = "/", opts: Partial<ConnectOptions> = {}): Promise<Socket> {
    const s = client(peer.url + nsp, { transports: transports(), ...(rank && { strategy: ranked, rememberTransport: false }), ...opts });
    await waitFor(s, "connect");
    if (final !== "polling" && s.io.transport !== final) await waitFor(s.io, "upgrade");
    expect(s.io.transport).toBe(final);
    return s;
  }

  it("exchanges JSON events both ways and reports the transport", async () => {
    const s = await connected();
    expect(s.connected).toBe(true);
    expect(s.id).toMatch(/\S/);
    const p = waitFor(s, "echo");
    s.emit("echo", { hello: "world", n: [1, 2, 3] }, "second", 3);
    expect(await p).toEqual([{ hello: "world", n: [1, 2, 3] }, "second", 3]);
  });

  it("sends and receives binary (nested, several attachments)", async () => {
    const s = await connected();
    const p = waitFor<[{ a: ArrayBuffer; list: ArrayBuffer[] }]>(s, "echo");
    s.emit("echo", { a: new Uint8Array([1, 2, 3]), list: [new Uint8Array([4]), Buffer.from([5, 6])] });
    const [got] = await p;
    expect([...new Uint8Array(got.a)]).toEqual([1, 2, 3]);
    expect(got.list.map((b) => [...new Uint8Array(b)])).toEqual([[4], [5, 6]]);
  });

  it("sends a Blob (read asynchronously on text transports) without reordering later emits", async () => {
    const s = await connected();
    const got = collect<unknown>(3);
    s.on("echo", (v: unknown) => got.push(v));
    s.emit("echo", "before");
    s.emit("echo", new Blob([new Uint8Array([3, 1, 4])]));
    s.emit("echo", "after");
    const [before, blob, after] = await got.done;
    expect([before, after]).toEqual(["before", "after"]);
    expect([...new Uint8Array(blob as ArrayBuffer)]).toEqual([3, 1, 4]);
  });

  it("acks both ways: client→server (JSON and binary), server→client", async () => {
    const s = await connected();
    expect(await s.emitWithAck("ack", "x", 1)).toBe("x");
    const [bin] = await new Promise<unknown[]>((resolve) => s.emit("ack", new Uint8Array([9, 8]), (...a: unknown[]) => resolve(a)));
    expect([...new Uint8Array(bin as ArrayBuffer)]).toEqual([9, 8]);
    s.on("question", (q: string, cb: (a: unknown) => void) => cb({ answer: q.length, bytes: new Uint8Array([7]) }));
    const [err, answer] = await new Promise<unknown[]>((resolve) => peer.io.sockets.sockets.get(s.id!)!.timeout(5000).emit("question", "four", (...a: unknown[]) => resolve(a)));
    expect(err).toBeNull();
    expect((answer as { answer: number }).answer).toBe(4);
    expect([...(answer as { bytes: Buffer }).bytes]).toEqual([7]);
  });

  it("multiplexes / and /custom over one Manager", async () => {
    const root = client(peer.url, { transports: transports(), forceNew: false });
    const custom = client(peer.url + "/custom", { transports: transports(), forceNew: false });
    expect(custom.io).toBe(root.io);
    await Promise.all([waitFor(root, "connect"), waitFor(custom, "connect")]);
    // one Engine.IO session on the server carries both namespaces
    const rootConn = peer.io.sockets.sockets.get(root.id!)!.conn;
    expect(peer.io.of("/custom").sockets.get(custom.id!)!.conn).toBe(rootConn);
    expect(await custom.emitWithAck("who")).toBe("/custom");
    expect(await root.emitWithAck("ack", "root")).toBe("root");
    custom.disconnect();
    expect(root.connected).toBe(true); // the session stays while another namespace uses it
    expect(await root.emitWithAck("ack", "still")).toBe("still");
    root.disconnect();
    expect(root.io.engine).toBeUndefined(); // the last one out closes it
  });

  it("reports a middleware rejection as connect_error with the server's message and data", async () => {
    const s = client(peer.url + "/private", { transports: transports() });
    const [err] = await waitFor<[Error & { data?: { code: number } }]>(s, "connect_error");
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe("not authorized");
    expect(err.data).toEqual({ code: 42 });
    expect(s.active).toBe(false);
  });

  it("writes volatile emits when it can, drops them while disconnected", async () => {
    const s = client(peer.url, { transports: transports(), autoConnect: false });
    s.volatile.emit("echo", "dropped");
    s.emit("echo", "buffered");
    const got = collect<unknown>(2);
    s.on("echo", (v: unknown) => got.push(v));
    s.connect();
    await waitFor(s, "connect");
    await until(() => s.io._writable(), 5000, "transport writable");
    s.volatile.emit("echo", "volatile-live");
    expect(await got.done).toEqual(["buffered", "volatile-live"]);
  });

  it("honours a server-side disconnect: no reconnection", async () => {
    const s = await connected();
    const p = waitFor<[string]>(s, "disconnect");
    peer.io.sockets.sockets.get(s.id!)!.disconnect();
    expect((await p)[0]).toBe("io server disconnect");
    expect(s.active).toBe(false);
    expect(s.io.engine).toBeUndefined();
    expect(s.io._reconnecting).toBe(false);
  });
});

describe.each(modes)("reconnection after a server restart ($name)", ({ transports, final, ranked: rank }) => {
  it("reconnects on the same port and delivers buffered emits in order", async () => {
    let peer = await startPeer(0, final === "polling" ? ["polling"] : ["polling", "websocket"]);
    const port = peer.port;
    const s = client(peer.url, { transports: transports(), ...(rank && { strategy: ranked, rememberTransport: false }) });
    await waitFor(s, "connect");
    const down = waitFor<[string]>(s, "disconnect");
    await stopPeer(peer);
    expect((await down)[0]).toMatch(/transport (close|error)|ping timeout/);
    expect(s.active).toBe(true);
    for (let i = 0; i < 5; i++) s.emit("echo", i);
    const got = collect<number>(5, 20_000);
    s.on("echo", (v: number) => got.push(v));
    const attempts: number[] = [];
    s.io.on("reconnect_attempt", (n) => attempts.push(n));
    peer = await startPeer(port);
    try {
      await waitFor(s.io, "reconnect", 20_000);
      expect(await got.done).toEqual([0, 1, 2, 3, 4]);
      expect(attempts.length).toBeGreaterThanOrEqual(1);
      expect(s.connected).toBe(true);
    } finally {
      s.disconnect();
      await stopPeer(peer);
    }
  });
});

describe("the CDN build (packages/omnio/dist/omnio.min.js) against socket.io@4.8", () => {
  it("loads as UMD, exposes io.connect, and round-trips binary over polling", async () => {
    // The package is "type": "module", so Node won't require() the UMD file: evaluate it as a CommonJS wrapper.
    const { readFile } = await import("node:fs/promises");
    const code = await readFile(new URL("../../packages/omnio/dist/omnio.min.js", import.meta.url), "utf8");
    const mod = { exports: {} as unknown };
    new Function("module", "exports", code)(mod, mod.exports);
    const umd = mod.exports as ((url: string, o?: object) => Socket) & { connect: unknown };
    expect(umd.connect).toBe(umd);
    const peer = await startPeer();
    const s = umd(peer.url, { transports: ["polling"], forceNew: true });
    sockets.push(s);
    try {
      await waitFor(s, "connect");
      const p = waitFor<[{ b: ArrayBuffer }]>(s, "echo");
      s.emit("echo", { b: new Uint8Array([1, 2, 250]) });
      expect([...new Uint8Array((await p)[0].b)]).toEqual([1, 2, 250]);
    } finally {
      s.disconnect();
      await stopPeer(peer);
    }
  });
});

describe("maxPayload with socket.io@4.8 (polling)", () => {
  it("splits a burst into requests the server accepts (maxHttpBufferSize 1000)", async () => {
    const http = createServer();
    const io = new Server(http, { transports: ["polling"], maxHttpBufferSize: 1000 });
    const got = collect<number>(20);
    io.on("connection", (sock) => sock.on("big", (i: number) => got.push(i)));
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const s = client(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: [polling()], reconnection: false });
    try {
      await waitFor(s, "connect");
      expect(s.io.engine!.handshake!.maxPayload).toBe(1000);
      const closed = vi.fn();
      s.on("disconnect", closed);
      for (let i = 0; i < 20; i++) s.emit("big", i, "x".repeat(300));
      expect(await got.done).toEqual([...Array(20).keys()]);
      expect(closed).not.toHaveBeenCalled();
    } finally {
      s.disconnect();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    }
  });
});

describe("connection state recovery with socket.io@4.8", () => {
  it("sends pid and offset back on reconnect and gets the missed events (recovered = true)", async () => {
    const http = createServer();
    const io = new Server(http, { connectionStateRecovery: { maxDisconnectionDuration: 60_000 } });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    let serverSocket: ServerSocket | undefined;
    io.on("connection", (s) => (serverSocket = s));
    const s = client(url, { transports: [websocket({ WebSocket: WS })] });
    try {
      await waitFor(s, "connect");
      expect(s.recovered).toBe(false);
      const got = collect<number>(3, 20_000);
      s.on("n", (v: number) => got.push(v));
      io.emit("n", 1);
      const down = waitFor(s, "disconnect");
      const first = serverSocket!;
      first.conn.close(); // transport closed abruptly: the server keeps the session for recovery
      await down;
      io.emit("n", 2); // missed while disconnected
      io.emit("n", 3);
      await waitFor(s, "connect", 20_000);
      expect(s.recovered).toBe(true);
      expect(await got.done).toEqual([1, 2, 3]);
    } finally {
      s.disconnect();
      await new Promise<void>((resolve) => io.close(() => resolve()));
    }
  });
});

// The REAL socket.io-client@4.8 (Node) against @omnio/server, over websocket only, polling only, and the
// default polling → websocket upgrade: events (JSON and binary) and acks both ways, namespaces, middleware,
// volatile, server-side disconnect, rooms, and reconnection across a server restart without losing emits.
import { afterEach, describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { io as ioc, Manager, type Socket as ClientSocket, type ManagerOptions, type SocketOptions } from "socket.io-client";
import { Server, type ServerOptions, type Socket } from "@omnio/server";
import { listen, recordingLogger, until, waitFor } from "../../packages/server/test/helpers.js";

type Mode = { label: string; transports: Array<"polling" | "websocket">; upgrade: boolean };
const MODES: Mode[] = [
  { label: "websocket", transports: ["websocket"], upgrade: false },
  { label: "polling", transports: ["polling"], upgrade: false },
  { label: "polling → websocket", transports: ["polling", "websocket"], upgrade: true },
];

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function startServer(options: ServerOptions = {}, port = 0, setup?: (io: Server) => void) {
  const http = createServer();
  const io = new Server(http, { logger: recordingLogger(), ...options });
  setup?.(io);
  const { url, port: actual } = await listen(http, port);
  cleanups.push(() => io.close());
  return { io, url, port: actual };
}

const bytes = (x: unknown): number[] => [...new Uint8Array(x as ArrayBuffer | Uint8Array)];

describe.each(MODES)("socket.io-client 4.8 → @omnio/server over $label", ({ transports, upgrade }) => {
  const options = (extra: Partial<ManagerOptions & SocketOptions> = {}): Partial<ManagerOptions & SocketOptions> => ({
    transports,
    forceNew: true,
    reconnection: false,
    ...extra,
  });

  function connect(url: string, extra: Partial<ManagerOptions & SocketOptions> = {}): ClientSocket {
    const socket = ioc(url, options(extra));
    cleanups.push(() => socket.disconnect());
    return socket;
  }

  /** A connected client and its server-side socket (after the upgrade, in upgrade mode). */
  async function pair(io: Server, url: string, extra: Partial<ManagerOptions & SocketOptions> = {}) {
    const serverSide = waitFor<[Socket]>(io, "connection");
    const client = connect(url, extra);
    const [socket] = await serverSide;
    if (!client.connected) await waitFor(client, "connect");
    if (upgrade && client.io.engine.transport.name !== "websocket") await waitFor(client.io.engine, "upgrade");
    expect(client.io.engine.transport.name).toBe(upgrade ? "websocket" : transports[0]);
    return { client, socket };
  }

  it("exchanges JSON and binary events both ways", async () => {
    const { io, url } = await startServer();
    const { client, socket } = await pair(io, url);
    expect(socket.id).toBe(client.id);
    expect(socket.handshake.query.EIO).toBe("4");

    const json = waitFor<[unknown, unknown]>(socket, "news");
    client.emit("news", { hello: "world", n: [1, 2.5, null] }, "two ☃");
    expect(await json).toEqual([{ hello: "world", n: [1, 2.5, null] }, "two ☃"]);

    const bin = waitFor<[{ file: Buffer; list: Buffer[] }]>(socket, "upload");
    client.emit("upload", { file: Buffer.from([1, 2, 3]), list: [new Uint8Array([4]), Buffer.alloc(0)] });
    const [got] = await bin;
    expect(Buffer.isBuffer(got.file)).toBe(true);
    expect(bytes(got.file)).toEqual([1, 2, 3]);
    expect(got.list.map(bytes)).toEqual([[4], []]);

    const back = waitFor<[string, { data: unknown; more: unknown[] }]>(client, "download");
    socket.emit("download", "name", { data: Buffer.from([255, 0, 7]), more: [Buffer.from("hi")] });
    const [name, payload] = await back;
    expect(name).toBe("name");
    expect(bytes(payload.data)).toEqual([255, 0, 7]);
    expect(bytes(payload.more[0])).toEqual([104, 105]);
  });

  it("answers acks both ways, binary acks included, and times out unanswered ones", async () => {
    const { io, url } = await startServer();
    const { client, socket } = await pair(io, url);

    socket.on("add", (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
    expect(await client.timeout(5000).emitWithAck("add", 2, 3)).toBe(5);

    socket.on("bytes", (ack: (b: Buffer) => void) => ack(Buffer.from([7, 7])));
    expect(bytes(await client.timeout(5000).emitWithAck("bytes"))).toEqual([7, 7]);

    client.on("double", (n: number, ack: (v: number) => void) => ack(n * 2));
    expect(await socket.timeout(5000).emitWithAck("double", 21)).toBe(42);

    client.on("echo-bin", (b: ArrayBuffer, ack: (v: unknown) => void) => ack({ back: Buffer.from(bytes(b).reverse()) }));
    const answer = (await socket.timeout(5000).emitWithAck("echo-bin", Buffer.from([1, 2, 3]))) as { back: Buffer };
    expect(Buffer.isBuffer(answer.back)).toBe(true);
    expect(bytes(answer.back)).toEqual([3, 2, 1]);

    const plain = await new Promise<unknown[]>((ok) => socket.emit("double", 4, (...args: unknown[]) => ok(args)));
    expect(plain).toEqual([8]);

    const timedOut = await new Promise<unknown[]>((ok) => socket.timeout(100).emit("nobody-listens", (...args: unknown[]) => ok(args)));
    expect(timedOut[0]).toBeInstanceOf(Error);
    expect((timedOut[0] as Error).name).toBe("TimeoutError");
    await expect(socket.timeout(100).emitWithAck("nobody-listens")).rejects.toThrow(/timed out after 100 ms/);

    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => socket.emit("cyclic", cyclic, () => {})).toThrow(expect.objectContaining({ name: "ProtocolError" }));
    expect(() => socket.emit("disconnect")).toThrow(/reserved event name/);
    expect(await socket.timeout(5000).emitWithAck("double", 1)).toBe(2); // still fine afterwards
  });

  it("multiplexes / and /custom on one connection and refuses unknown namespaces", async () => {
    const { io, url } = await startServer();
    const custom = io.of("/custom");
    const onMain = waitFor<[Socket]>(io, "connection");
    const onCustom = waitFor<[Socket]>(custom, "connection");
    const manager = new Manager(url, options());
    cleanups.push(() => manager.engine?.close());
    const main = manager.socket("/");
    const other = manager.socket("/custom", { auth: { token: "abc" } });
    const [[s1], [s2]] = await Promise.all([onMain, onCustom]);
    expect(s1.conn.id).toBe(s2.conn.id);
    expect(s2.nsp.name).toBe("/custom");
    expect(s2.handshake.auth).toEqual({ token: "abc" });
    await Promise.all([main.connected || waitFor(main, "connect"), other.connected || waitFor(other, "connect")]);

    const a = waitFor<[string]>(main, "where");
    const b = waitFor<[string]>(other, "where");
    s1.emit("where", "main");
    s2.emit("where", "custom");
    expect(await a).toEqual(["main"]);
    expect(await b).toEqual(["custom"]);
    const c = waitFor<[string]>(s2, "hi");
    other.emit("hi", "from custom");
    expect(await c).toEqual(["from custom"]);

    const ghost = manager.socket("/ghost");
    const [err] = await waitFor<[Error]>(ghost, "connect_error");
    expect(err.message).toBe("Invalid namespace");
    expect(main.connected && other.connected).toBe(true);
  });

  it("reports a middleware refusal as connect_error with its message and data", async () => {
    const { io, url } = await startServer();
    io.use((socket, next) => {
      if (socket.handshake.auth.token === "good") return next();
      next(Object.assign(new Error("not authorized"), { data: { why: "bad token" } }));
    });
    const refused = connect(url, { auth: { token: "bad" } });
    const [err] = await waitFor<[Error & { data?: unknown }]>(refused, "connect_error");
    expect(err.message).toBe("not authorized");
    expect(err.data).toEqual({ why: "bad token" });
    expect(refused.connected).toBe(false);
    const { client } = await pair(io, url, { auth: { token: "good" } });
    expect(client.connected).toBe(true);
  });

  it("drops volatile packets only when the transport cannot write", async () => {
    const { io, url } = await startServer();
    const { client, socket } = await pair(io, url);
    const seen: string[] = [];
    client.onAny((event: string) => seen.push(event));
    const done = waitFor(client, "after");
    // "before" takes the transport (the held GET, or a WebSocket write not yet completed): "dropped" can't go now
    socket.emit("before");
    socket.volatile.emit("dropped");
    socket.emit("after");
    await done;
    expect(seen).toEqual(["before", "after"]);

    await until(() => socket.conn.writable, 5000, "a writable transport");
    const kept = waitFor(client, "kept");
    socket.volatile.emit("kept");
    await kept;
    io.volatile.emit("broadcast-kept"); // the server-wide operator goes through the same check
  });

  it("disconnects from the server side, per namespace and the whole connection", async () => {
    const { io, url } = await startServer();
    const first = await pair(io, url);
    const serverReason = waitFor<[string]>(first.socket, "disconnect");
    const clientReason = waitFor<[string]>(first.client, "disconnect");
    first.socket.disconnect();
    expect(await serverReason).toEqual(["server namespace disconnect"]);
    expect((await clientReason)[0]).toBe("io server disconnect");
    expect(first.socket.connected).toBe(false);

    const second = await pair(io, url);
    const closing = waitFor<[string]>(second.client, "disconnect");
    second.socket.disconnect(true);
    expect((await closing)[0]).toBe("io server disconnect");
    await until(() => io.engine.clientsCount === 0, 5000, "the session to close");

    const third = await pair(io, url);
    const left = waitFor<[string]>(third.socket, "disconnect");
    third.client.disconnect();
    expect(await left).toEqual(["client namespace disconnect"]);
  });

  it("broadcasts to rooms, to all but the sender, and except rooms", async () => {
    const { io, url } = await startServer();
    const peers = [await pair(io, url), await pair(io, url), await pair(io, url)];
    const [a, b, c] = peers;
    a!.socket.join("r");
    b!.socket.join(["r", "s"]);
    expect(b!.socket.rooms).toEqual(new Set([b!.socket.id, "r", "s"]));

    /** Emits, then a fence to everyone: per-connection order proves who got the event and who didn't. */
    async function received(send: () => void, event: string): Promise<boolean[]> {
      const got = peers.map(() => false);
      const offs = peers.map((p, i) => {
        const on = (): void => void (got[i] = true);
        p.client.on(event, on);
        return () => p.client.off(event, on);
      });
      const fences = peers.map((p) => waitFor(p.client, "fence"));
      send();
      io.emit("fence");
      await Promise.all(fences);
      offs.forEach((off) => off());
      return got;
    }

    expect(await received(() => io.to("r").emit("x", 1), "x")).toEqual([true, true, false]);
    expect(await received(() => io.except("r").emit("x", 1), "x")).toEqual([false, false, true]);
    expect(await received(() => io.to("r").except("s").emit("x", 1), "x")).toEqual([true, false, false]);
    expect(await received(() => a!.socket.broadcast.emit("x", 1), "x")).toEqual([false, true, true]);
    expect(await received(() => c!.socket.to("r").emit("x", Buffer.from([1])), "x")).toEqual([true, true, false]);
    expect(await received(() => a!.socket.to("r").emit("x", 1), "x")).toEqual([false, true, false]);
    expect(await received(() => io.to(c!.socket.id).emit("x", 1), "x")).toEqual([false, false, true]);
    b!.socket.leave("r");
    expect(await received(() => io.in("r").emit("x", 1), "x")).toEqual([true, false, false]);
    expect(io.fetchSockets().length).toBe(3);
  });

  it("reconnects after the server restarts on the same port, delivering buffered emits in order", async () => {
    const first = await startServer();
    const firstSocket = waitFor<[Socket]>(first.io, "connection");
    const client = connect(first.url, { reconnection: true, reconnectionDelay: 50, reconnectionDelayMax: 200, randomizationFactor: 0 });
    await firstSocket;
    if (!client.connected) await waitFor(client, "connect");
    const firstId = client.id;

    const gone = waitFor<[string]>(client, "disconnect");
    await first.io.close();
    // "transport error" when polling's next request found the port closed, else "transport close"
    expect(["transport close", "transport error"]).toContain((await gone)[0]);
    for (let i = 0; i < 5; i++) client.emit("seq", i); // buffered by socket.io-client while disconnected

    const received: number[] = [];
    let allArrived!: () => void;
    const arrived = new Promise<void>((ok) => (allArrived = ok));
    await startServer({}, first.port, (io) =>
      io.on("connection", (socket) =>
        socket.on("seq", (i: number) => {
          received.push(i);
          if (received.length === 6) allArrived();
        }),
      ),
    );
    await waitFor(client.io, "reconnect", 10_000);
    client.emit("seq", 5);
    await arrived;
    expect(received).toEqual([0, 1, 2, 3, 4, 5]);
    expect(client.id).not.toBe(firstId);
  });
});

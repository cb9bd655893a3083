// xhr-multipart end to end in Node (the fetch-stream reader) against the real @omnio/server: handshake on the
// stream, events both ways, batching, 128 KiB cycling, upgrades both ways through the generic session
// mechanism, and the server side's wire format (headers, boundary never inside a part, one stream at a time).
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { WebSocket } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { connect, ranked, type Socket, type TransportName } from "@omnio/client";
import { polling } from "@omnio/polling";
import { websocket } from "@omnio/websocket";
import { EngineServer, Server, type EngineConnection } from "@omnio/server";
import { multipartParser, xhrMultipart } from "../src/index.js";
import { until, waitFor, withDeadline } from "../../../test/helpers/wait.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function listen(attach: (http: HttpServer) => void): Promise<string> {
  const http = createServer();
  attach(http);
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  cleanup.push(() => new Promise<void>((ok) => (http.closeAllConnections(), http.close(() => ok()))));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
}

/** The socket's first `event`'s first argument, bounded. */
const once = <T>(socket: Socket, event: string, ms = 5000): Promise<T> => waitFor<[T]>(socket, event, ms).then((args) => args[0]);

describe("xhr-multipart against @omnio/server (Node)", () => {
  it("connects on xhr-multipart alone; events both ways, acks, binary, a 1,000-event burst in order", async () => {
    const io = new Server({ transports: ["xhr-multipart"] });
    const url = await listen((http) => io.attach(http));
    cleanup.push(() => io.close());
    io.on("connection", (s) => {
      s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
      s.on("burst", (n: number) => {
        for (let i = 0; i < n; i++) s.emit("n", i);
      });
    });
    const socket = connect(url, { transports: [xhrMultipart()], reconnection: false });
    cleanup.push(() => socket.disconnect());
    await once(socket, "connect");
    expect(socket.io.transport).toBe("xhr-multipart");
    expect(await socket.timeout(5000).emitWithAck("echo", { a: "é😀\r\n--x" })).toEqual({ a: "é😀\r\n--x" });
    const bin = await socket.timeout(5000).emitWithAck("echo", new Uint8Array([1, 2, 255]));
    expect(new Uint8Array(bin as ArrayBuffer)).toEqual(new Uint8Array([1, 2, 255]));
    const got: number[] = [];
    socket.on("n", (i: number) => got.push(i));
    socket.emit("burst", 1000);
    await until(() => got.length === 1000, 10_000, "1,000 events");
    expect(got).toEqual(Array.from({ length: 1000 }, (_, i) => i));
  });

  it("cycles the stream after ~128 KiB and reopens it: a 300 KB payload and the events after it arrive", async () => {
    const io = new Server({ transports: ["xhr-multipart"] });
    let streams = 0; // stream GETs the server got
    const url = await listen((http) => {
      io.attach(http);
      http.prependListener("request", (req) => void (req.method === "GET" && streams++));
    });
    cleanup.push(() => io.close());
    const big = "é".repeat(150_000) + "x"; // 300 KB of UTF-8
    io.on("connection", (s) => {
      s.on("go", () => (s.emit("big", big), s.emit("after", 1)));
      s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
    });
    const factory = xhrMultipart();
    const socket = connect(url, { transports: [factory], reconnection: false });
    cleanup.push(() => socket.disconnect());
    await once(socket, "connect");
    const streamsBefore = streams;
    const bigP = once<string>(socket, "big");
    const afterP = once<number>(socket, "after");
    socket.emit("go");
    expect(await bigP).toBe(big);
    expect(await afterP).toBe(1);
    await until(() => streams > streamsBefore, 5000, "a reopened stream");
    // still working on the new stream
    expect(await socket.timeout(5000).emitWithAck("echo", "after the cycle")).toBe("after the cycle");
  });

  it("upgrades from polling to xhr-multipart, and from xhr-multipart to websocket", async () => {
    const io = new Server();
    const url = await listen((http) => io.attach(http));
    cleanup.push(() => io.close());
    io.on("connection", (s) => s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v)));
    for (const [transports, end] of [
      [[xhrMultipart(), polling()], "xhr-multipart"],
      [[websocket({ WebSocket }), xhrMultipart()], "websocket"],
    ] as const) {
      const socket = connect(url, { transports: [...transports], strategy: ranked, reconnection: false, forceNew: true });
      cleanup.push(() => socket.disconnect());
      const upgraded = new Promise<TransportName>((ok) => socket.io.on("upgrade", (e: { name: TransportName }) => ok(e.name)));
      await once(socket, "connect");
      expect(await withDeadline(upgraded, 8000, "upgrade")).toBe(end);
      expect(socket.io.transport).toBe(end);
      expect(await socket.timeout(5000).emitWithAck("echo", "after upgrade")).toBe("after upgrade");
      const serverSide = [...io.engine.clients.values()].at(-1)!;
      expect(serverSide.transport).toBe(end);
    }
  });

  it("loses nothing the server sends while the session upgrades away from xhr-multipart", async () => {
    const io = new Server();
    const url = await listen((http) => io.attach(http));
    cleanup.push(() => io.close());
    let timer: NodeJS.Timeout | undefined;
    io.on("connection", (s) => {
      let i = 0;
      timer = setInterval(() => s.emit("tick", i++), 2);
    });
    cleanup.push(() => clearInterval(timer));
    const socket = connect(url, { transports: [websocket({ WebSocket }), xhrMultipart()], strategy: ranked, reconnection: false });
    cleanup.push(() => socket.disconnect());
    const ticks: number[] = [];
    socket.on("tick", (i: number) => ticks.push(i));
    await once(socket, "connect");
    await until(() => socket.io.transport === "websocket", 8000, "the upgrade to websocket");
    const seen = ticks.length;
    await until(() => ticks.length > seen + 20, 5000, "ticks after the upgrade");
    expect(ticks).toEqual(Array.from({ length: ticks.length }, (_, i) => i));
  });
});

describe("xhr-multipart server side, on the wire", () => {
  async function engine(): Promise<{ url: string; server: EngineServer; conns: EngineConnection[] }> {
    const server = new EngineServer({ transports: ["xhr-multipart", "polling"] });
    const conns: EngineConnection[] = [];
    server.on("connection", (c) => conns.push(c));
    const base = await listen((http) => server.attach(http));
    cleanup.push(() => server.close());
    return { url: `${base}/socket.io/?EIO=4&transport=xhr-multipart`, server, conns };
  }

  /** Reads a stream GET part by part. */
  async function openStream(url: string) {
    const controller = new AbortController();
    cleanup.push(() => controller.abort());
    const res = await fetch(url, { signal: controller.signal });
    const type = res.headers.get("content-type");
    const parser = multipartParser(type);
    const boundary = /boundary="([^"]+)"/.exec(type ?? "")![1]!;
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const queue: string[] = [];
    return {
      res,
      boundary,
      parser,
      async next(ms = 5000): Promise<string | undefined> {
        const deadline = Date.now() + ms;
        while (!queue.length) {
          if (parser.done) return undefined;
          if (Date.now() > deadline) throw new Error("no part in time");
          const { done, value } = await reader.read();
          if (done) return undefined;
          queue.push(...parser.push(decoder.decode(value, { stream: true })));
        }
        return queue.shift();
      },
    };
  }

  it("answers a handshake with the stream headers and the open packet as the first part", async () => {
    const { url } = await engine();
    const stream = await openStream(url);
    expect(stream.res.status).toBe(200);
    expect(stream.res.headers.get("content-type")).toMatch(/^multipart\/mixed; boundary="omnio-[0-9a-f]{24}"$/);
    expect(stream.res.headers.get("cache-control")).toBe("no-store");
    expect(stream.res.headers.get("x-accel-buffering")).toBe("no");
    expect(stream.res.headers.get("x-content-type-options")).toBe("nosniff");
    const open = JSON.parse((await stream.next())!.slice(1));
    expect(open).toMatchObject({ sid: expect.any(String), upgrades: [] });
  });

  it("never writes the boundary inside a part: such a payload ends the stream and goes out on the next one", async () => {
    const { url, conns } = await engine();
    const first = await openStream(url);
    const sid = JSON.parse((await first.next())!.slice(1)).sid as string;
    const nasty = `x\r\n--${first.boundary}\r\nContent-Type: evil\r\n\r\n4injected\r\n--${first.boundary}--`;
    conns[0]!.send(nasty);
    expect(await first.next()).toBeUndefined();
    expect(first.parser.done).toBe(true);
    const second = await openStream(`${url}&sid=${sid}`);
    expect(second.boundary).not.toBe(first.boundary);
    expect(await second.next()).toBe("4" + nasty);
  });

  it("refuses a second concurrent stream GET with 400 and ends the session", async () => {
    const { url, conns, server } = await engine();
    const first = await openStream(url);
    const sid = JSON.parse((await first.next())!.slice(1)).sid as string;
    const closed = new Promise<string>((ok) => conns[0]!.once("close", ok));
    const second = await fetch(`${url}&sid=${sid}`);
    expect(second.status).toBe(400);
    expect(await second.json()).toEqual({ code: 3, message: "Bad request" });
    expect(await withDeadline(closed, 5000, "session close")).toBe("transport error");
    expect(server.clientsCount).toBe(0);
  });
});

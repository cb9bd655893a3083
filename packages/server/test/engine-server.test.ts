// EngineServer against the real engine.io-client 6 (Node): handshake over each transport, messages both
// ways (text and binary), the polling → websocket upgrade, and that other routes stay the app's.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type Server as HttpServer } from "node:http";
import { Socket as EioSocket } from "engine.io-client";
import { EngineServer, type EngineConnection } from "../src/index.js";
import { closeHttp, listen, recordingLogger, waitFor } from "./helpers.js";

let http: HttpServer | undefined;
let engine: EngineServer | undefined;
const clients: EioSocket[] = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  engine?.close();
  if (http) await closeHttp(http);
  http = engine = undefined;
});

async function start(options: ConstructorParameters<typeof EngineServer>[0] = {}) {
  http = createServer((_req, res) => {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end("app");
  });
  engine = new EngineServer({ logger: recordingLogger(), ...options }).attach(http);
  return listen(http);
}

function client(url: string, transports: string[]): EioSocket {
  const socket = new EioSocket(url, { path: "/socket.io/", transports: transports as never });
  clients.push(socket);
  return socket;
}

describe.each([
  ["polling", ["polling"]],
  ["websocket", ["websocket"]],
  ["polling → websocket", ["polling", "websocket"]],
])("EngineServer over %s", (_label, transports) => {
  it("opens a session and carries text and binary both ways", async () => {
    const { url } = await start();
    const connected = waitFor<[EngineConnection]>(engine!, "connection");
    const socket = client(url, transports);
    const [conn] = await connected;
    expect(conn.id).toMatch(/^[\w-]{20}$/);
    expect(conn.remoteAddress).toContain("127.0.0.1");
    expect(conn.request.url).toContain("EIO=4");
    if (transports.length === 2) {
      await waitFor(conn, "upgrade");
      expect(conn.transport).toBe("websocket");
    } else expect(conn.transport).toBe(transports[0]);

    const text = waitFor<[string]>(conn, "message");
    socket.send("hello ☃");
    expect((await text)[0]).toBe("hello ☃");
    const bin = waitFor<[Buffer]>(conn, "message");
    socket.send(new Uint8Array([1, 2, 255]));
    const [got] = await bin;
    expect(Buffer.isBuffer(got)).toBe(true);
    expect([...got]).toEqual([1, 2, 255]);

    const back: unknown[] = [];
    const both = new Promise<void>((ok) =>
      socket.on("message", (d: unknown) => {
        back.push(d);
        if (back.length === 2) ok();
      }),
    );
    conn.send("from server", Buffer.from([9, 8, 7]));
    await both;
    expect(back[0]).toBe("from server");
    expect([...new Uint8Array(back[1] as ArrayBuffer)]).toEqual([9, 8, 7]);

    const closed = waitFor<[string]>(conn, "close");
    socket.close();
    expect((await closed)[0]).toBe("transport close");
    expect(engine!.clientsCount).toBe(0);
  });
});

describe("EngineServer", () => {
  it("advertises upgrades, heartbeat settings and maxPayload in the open packet", async () => {
    const { url } = await start({ transports: ["polling", "websocket"], pingInterval: 1234, pingTimeout: 567, maxHttpBufferSize: 4321 });
    const res = await fetch(`${url}/socket.io/?EIO=4&transport=polling`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=UTF-8");
    const body = await res.text();
    expect(body[0]).toBe("0");
    const open = JSON.parse(body.slice(1));
    expect(open).toEqual({ sid: expect.any(String), upgrades: ["websocket"], pingInterval: 1234, pingTimeout: 567, maxPayload: 4321 });
    expect(engine!.clients.has(open.sid)).toBe(true);
  });

  it("advertises only enabled transports", async () => {
    const { url } = await start({ transports: ["polling"] });
    const body = await (await fetch(`${url}/socket.io/?EIO=4&transport=polling`)).text();
    expect(JSON.parse(body.slice(1)).upgrades).toEqual([]);
    const ws = await fetch(`${url}/socket.io/?EIO=4&transport=websocket`);
    expect(ws.status).toBe(400);
    expect(await ws.json()).toEqual({ code: 0, message: "Transport unknown" });
  });

  it("leaves other routes to the app", async () => {
    const { url } = await start();
    const res = await fetch(`${url}/elsewhere`);
    expect(await res.text()).toBe("app");
    const near = await fetch(`${url}/socket.iox/?EIO=4&transport=polling`);
    expect(await near.text()).toBe("app");
  });

  it("closes a session from the server side over polling with a close packet", async () => {
    const { url } = await start();
    const connected = waitFor<[EngineConnection]>(engine!, "connection");
    const socket = client(url, ["polling"]);
    const [conn] = await connected;
    await waitFor(socket, "open");
    const clientClosed = waitFor<[string]>(socket, "close");
    const serverClosed = waitFor<[string]>(conn, "close");
    conn.send("last words");
    const last = waitFor<[string]>(socket, "message");
    conn.close();
    expect((await last)[0]).toBe("last words");
    expect((await clientClosed)[0]).toBe("transport close");
    expect((await serverClosed)[0]).toBe("forced close");
    expect(conn.readyState).toBe("closed");
  });
});

// The polling transport (fetch, as in Node) against a REAL socket.io@4.8 server, driven by the test's tiny
// stand-in session: handshake, namespace CONNECT, events and binary both ways, heartbeat, big responses, close.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Transport } from "@omnio/client";
import { polling } from "@omnio/polling";
import { Driver, waitUntil } from "./driver.js";
import { events, socketPackets, startSocketIo, type Peer } from "./socketio-peer.js";

let peer: Peer;
const serverWakers = new Set<() => void>();

beforeAll(async () => {
  // A short ping interval so the heartbeat is exercised; a long timeout so a loaded machine can't flake it.
  peer = await startSocketIo({ pingInterval: 300, pingTimeout: 20_000 });
  peer.io.on("connection", (socket) => {
    socket.onAny(() => [...serverWakers].forEach((w) => w()));
    socket.on("disconnect", () => [...serverWakers].forEach((w) => w()));
  });
});
afterAll(() => peer.close());

async function session(): Promise<{ driver: Driver; transport: Transport }> {
  const driver = new Driver(peer.base);
  const transport = polling().create(driver.context());
  driver.react = (packet) => {
    if (packet.type === "ping") transport.send([{ type: "pong" }]);
  };
  transport.open();
  await driver.until(() => !!driver.sid, "the open packet");
  transport.send([{ type: "message", data: "0" }]); // Socket.IO CONNECT to "/"
  await driver.until(() => socketPackets(driver).some((d) => typeof d === "string" && d.startsWith("0{")), "CONNECT reply");
  return { driver, transport };
}

describe("polling ↔ socket.io@4.8", () => {
  it("handshakes, connects the main namespace and exchanges events", async () => {
    const { driver, transport } = await session();
    const open = JSON.parse(driver.packets[0]!.data as string) as { sid: string; upgrades: string[]; pingInterval: number };
    expect(open.upgrades).toEqual(["websocket"]);
    expect(open.pingInterval).toBe(300);
    const connect = socketPackets(driver).find((d) => typeof d === "string" && d.startsWith("0{")) as string;
    expect(JSON.parse(connect.slice(1))).toHaveProperty("sid");
    await driver.until(() => events(driver, "welcome").length === 1, "welcome");
    expect(events(driver, "welcome")[0]).toEqual(["welcome", { transport: "polling" }]);

    transport.send([{ type: "message", data: '2["hello","omnio"]' }]);
    await driver.until(() => events(driver, "echo").length === 1, "echo");
    expect(events(driver, "echo")[0]).toEqual(["echo", "omnio!"]);
    // The heartbeat ran and the session is still up (the driver answered every ping).
    await driver.until(() => driver.packets.filter((p) => p.type === "ping").length >= 2, "two pings", 10_000);
    expect(driver.closed).toBeUndefined();
    transport.close();
  });

  it("binary events travel as base64 both ways", async () => {
    const { driver, transport } = await session();
    transport.send([
      { type: "message", data: '51-["bin",{"_placeholder":true,"num":0}]' },
      { type: "message", data: new Uint8Array([1, 2, 3]) },
    ]);
    await driver.until(() => driver.packets.some((p) => p.data instanceof ArrayBuffer), "the binary attachment");
    const header = socketPackets(driver).find((d) => typeof d === "string" && d.startsWith("51-")) as string;
    expect(JSON.parse(header.slice(3))).toEqual(["bin", { _placeholder: true, num: 0 }]);
    const attachment = driver.packets.find((p) => p.data instanceof ArrayBuffer)!.data as ArrayBuffer;
    expect([...new Uint8Array(attachment)]).toEqual([1, 2, 3, 255]);
    expect(peer.received.some((args) => args[0] === "bin" && Buffer.isBuffer(args[1]))).toBe(true);
    transport.close();
  });

  it("accepts a response larger than maxPayload (the server flushes its whole buffer into one GET)", async () => {
    const { driver, transport } = await session();
    transport.send([{ type: "message", data: '2["burst",4,400000]' }]);
    await driver.until(() => events(driver, "chunk").length === 4, "four 400 kB events", 15_000);
    expect(events(driver, "chunk").map((args) => args[1])).toEqual([0, 1, 2, 3]);
    expect(driver.closed).toBeUndefined();
    transport.close();
  });

  it("close() tells the server at once (no wait for the ping timeout)", async () => {
    const { transport } = await session();
    const before = peer.disconnects.length;
    transport.close();
    await waitUntil(() => peer.disconnects.length > before, "server-side disconnect", 5000, serverWakers);
    expect(peer.disconnects.at(-1)).toBe("transport close");
  });

  it("an unknown sid is an HTTP 400 TransportError naming the server's message", async () => {
    const driver = new Driver(peer.base);
    driver.sid = "nope";
    const transport = polling().create(driver.context());
    transport.open();
    await driver.until(() => !!driver.closed, "close");
    expect(driver.closed!.error!.message).toMatch(/HTTP 400 \{"code":1,"message":"Session ID unknown"\}/);
    transport.close();
  });
});

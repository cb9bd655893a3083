// The websocket transport (Node, `ws` as the WebSocket class) against a REAL socket.io@4.8 server: a direct
// websocket handshake, and the polling → websocket upgrade done by hand as PROTOCOL.md §1 describes it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Transport } from "@omnio/client";
import { websocket } from "@omnio/websocket";
import { polling } from "@omnio/polling";
import { Driver, waitUntil } from "../../polling/test/driver.js";
import { events, socketPackets, startSocketIo, type Peer } from "../../polling/test/socketio-peer.js";

let peer: Peer;
const serverWakers = new Set<() => void>();
const wakeServer = () => [...serverWakers].forEach((w) => w());

beforeAll(async () => {
  peer = await startSocketIo({ pingInterval: 300, pingTimeout: 20_000 });
  peer.io.on("connection", (socket) => {
    socket.conn.on("upgrade", wakeServer);
    socket.on("disconnect", wakeServer);
  });
});
afterAll(() => peer.close());

const connected = (driver: Driver) => socketPackets(driver).some((d) => typeof d === "string" && d.startsWith("0{"));
const answerPings = (driver: Driver, transport: () => Transport) => {
  driver.react = (packet) => {
    if (packet.type === "ping") transport().send([{ type: "pong" }]);
  };
};

describe("websocket ↔ socket.io@4.8", () => {
  it("handshakes directly over websocket and exchanges text and binary events", async () => {
    const driver = new Driver(peer.base);
    const transport = websocket({ WebSocket }).create(driver.context());
    answerPings(driver, () => transport);
    transport.open();
    await driver.until(() => !!driver.sid, "the open packet");
    expect(driver.events[0]).toEqual({ kind: "open" }); // the socket opens, then the open packet arrives
    expect(JSON.parse(driver.packets[0]!.data as string)).toMatchObject({ upgrades: [], pingInterval: 300 });

    transport.send([{ type: "message", data: "0" }]);
    await driver.until(() => connected(driver), "CONNECT reply");
    await driver.until(() => events(driver, "welcome").length === 1, "welcome");
    expect(events(driver, "welcome")[0]).toEqual(["welcome", { transport: "websocket" }]);

    transport.send([{ type: "message", data: '2["hello","ws"]' }]);
    await driver.until(() => events(driver, "echo").length === 1, "echo");
    expect(events(driver, "echo")[0]).toEqual(["echo", "ws!"]);

    transport.send([
      { type: "message", data: '51-["bin",{"_placeholder":true,"num":0}]' },
      { type: "message", data: new Uint8Array([7, 8]).buffer },
    ]);
    await driver.until(() => driver.packets.some((p) => p.data instanceof ArrayBuffer), "binary frame");
    const attachment = driver.packets.find((p) => p.data instanceof ArrayBuffer)!.data as ArrayBuffer;
    expect([...new Uint8Array(attachment)]).toEqual([7, 8, 255]);

    await driver.until(() => driver.packets.filter((p) => p.type === "ping").length >= 2, "two pings", 10_000);
    expect(driver.closed).toBeUndefined();

    const before = peer.disconnects.length;
    transport.close();
    await waitUntil(() => peer.disconnects.length > before, "server-side disconnect", 5000, serverWakers);
    expect(peer.disconnects.at(-1)).toBe("transport close");
  });

  it("upgrades a polling session to websocket: probe, pause polling, 5, then events on websocket", async () => {
    const driver = new Driver(peer.base);
    let current: Transport = polling().create(driver.context());
    const poll = current;
    answerPings(driver, () => current);
    poll.open();
    await driver.until(() => !!driver.sid, "handshake over polling");
    poll.send([{ type: "message", data: "0" }]);
    await driver.until(() => connected(driver), "CONNECT reply over polling");

    // The probe transport reports to its own sink, as the session would give it during an upgrade.
    const probe = new Driver(peer.base);
    probe.sid = driver.sid;
    const ws = websocket({ WebSocket }).create(probe.context());
    ws.open();
    await probe.until(() => probe.count("open") === 1, "probe socket open");
    ws.send([{ type: "ping", data: "probe" }]);
    await probe.until(() => probe.packets.length === 1, "probe answer");
    expect(probe.packets[0]).toEqual({ type: "pong", data: "probe" });

    const pausedWakers = new Set<() => void>();
    let paused = false;
    poll.pause!(() => {
      paused = true;
      [...pausedWakers].forEach((w) => w());
    });
    // The server answers the pending GET with a noop once it sees the probe; the pause completes after it.
    await waitUntil(() => paused, "polling paused", 10_000, pausedWakers);
    ws.send([{ type: "upgrade" }]);
    await waitUntil(() => peer.upgrades.length === 1, "server-side upgrade", 5000, serverWakers);
    expect(peer.upgrades).toEqual(["websocket"]);
    poll.close();
    expect(driver.closed).toBeUndefined();

    // From now on the session lives on the websocket (its packets go to the probe driver's sink).
    current = ws;
    answerPings(probe, () => ws);
    ws.send([{ type: "message", data: '2["hello","upgraded"]' }]);
    await probe.until(() => events(probe, "echo").length === 1, "echo over websocket");
    expect(events(probe, "echo")[0]).toEqual(["echo", "upgraded!"]);
    expect(peer.sockets.at(-1)!.conn.transport.name).toBe("websocket");
    ws.close();
  });
});

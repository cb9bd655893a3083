// Whatever a server sends — any Engine.IO packet type, any data, valid-looking or garbage Socket.IO frames, in
// any order — the session, Manager and Socket never throw into the transport and never leave timers behind
// once the socket is disconnected.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import fc from "fast-check";
import { connect, type EnginePacket, type Socket } from "../src/index.js";
import { DUPLEX, POLLING, autoServer, fakeFactory } from "./helpers/fake-transport.js";

const frames = fc.oneof(
  fc.constantFrom(
    "0",
    '0{"sid":"x"}',
    '0/other,{"sid":"y"}',
    "1",
    '2["event",1,{"a":[]}]',
    '27["needs ack"]',
    "30[1]",
    "399[]",
    '4{"message":"nope","data":null}',
    "4null",
    '51-["bin",{"_placeholder":true,"num":0}]',
    '61-0[{"_placeholder":true,"num":0}]',
    '2["connect"]',
    "",
  ),
  fc.string({ maxLength: 40 }),
);
const packet: fc.Arbitrary<EnginePacket> = fc.oneof(
  frames.map((data) => ({ type: "message" as const, data })),
  fc.uint8Array({ maxLength: 8 }).map((b) => ({ type: "message" as const, data: b.buffer as ArrayBuffer })),
  fc.constantFrom<EnginePacket>(
    { type: "ping" },
    { type: "pong" },
    { type: "pong", data: "probe" },
    { type: "noop" },
    { type: "upgrade" },
    { type: "close" },
    { type: "open", data: '{"sid":"z","upgrades":[],"pingInterval":1,"pingTimeout":1}' },
    { type: "open", data: "{}" },
  ),
);

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe("session fuzz", () => {
  it.each([
    ["websocket", DUPLEX],
    ["polling", POLLING],
  ] as const)("random server packets never throw into the %s transport", async (name, traits) => {
    await fc.assert(
      fc.asyncProperty(fc.array(packet, { maxLength: 25 }), fc.boolean(), async (packets, handshake) => {
        const f = fakeFactory(name, traits);
        autoServer(f, { handshake: { upgrades: ["websocket"] } });
        // Without the automatic handshake, the random packets reach a session still waiting for its open packet.
        if (!handshake) f.onOpen = (t) => queueMicrotask(() => ((t.writable = true), t.ctx.sink.onOpen()));
        const sockets: Socket[] = [connect("http://fuzz.test", { transports: [f], forceNew: true, reconnectionDelay: 1 })];
        sockets.push(sockets[0]!.io.socket("/other"));
        for (const s of sockets) s.on("connect_error", () => {});
        try {
          await vi.advanceTimersByTimeAsync(0);
          for (const p of packets) {
            const t = f.instances.at(-1)!;
            if (t.closed) await vi.advanceTimersByTimeAsync(5);
            expect(() => f.instances.at(-1)!.deliver(p)).not.toThrow();
          }
          await vi.advanceTimersByTimeAsync(10);
        } finally {
          for (const s of sockets) s.disconnect();
          await vi.advanceTimersByTimeAsync(1000);
        }
        expect(vi.getTimerCount()).toBe(0);
      }),
      { numRuns: 300 },
    );
  });
});

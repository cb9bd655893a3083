// Cross-check against the reference implementations (socket.io-parser 4.2, engine.io-parser 5.2, what
// socket.io@4.8 runs): their frames decode in ours to the same packets, and ours decode in theirs.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { Decoder as RefDecoder, Encoder as RefEncoder, type Packet as RefPacket } from "socket.io-parser";
import * as ref from "engine.io-parser";
import {
  decodePacket, decodePayload, encodePacket, encodePayload, encodeSocketPacket, SocketDecoder,
  type EnginePacket, type SocketPacket,
} from "@omnio/client";
import { normalize } from "./codec-helpers.js";

const bin = (...b: number[]) => new Uint8Array(b);

const packets: SocketPacket[] = [
  { type: 0, nsp: "/" },
  { type: 0, nsp: "/admin", data: { token: "x" } },
  { type: 1, nsp: "/admin" },
  { type: 2, nsp: "/", data: ["news", { hello: "world" }] },
  { type: 2, nsp: "/chat", id: 12, data: ["msg", "hi", 1.5, null, true] },
  { type: 3, nsp: "/chat", id: 12, data: ["ok"] },
  { type: 3, nsp: "/", id: 0, data: [] },
  { type: 4, nsp: "/admin", data: { message: "Not authorized", data: { code: 7 } } },
  { type: 2, nsp: "/", data: ["file", bin(1, 2, 3)] },
  { type: 2, nsp: "/up", id: 99, data: ["nested", { a: [bin(4), { b: Buffer.from("xy") }], c: bin(5, 6).buffer }] },
  { type: 3, nsp: "/", id: 4, data: [{ reply: bin() }] },
  { type: 2, nsp: "/", data: ["unicode ☃ \u2028 \ud83d\ude00", "\x1e"] },
];

/** Decode reference frames with our decoder. */
function oursDecode(frames: unknown[]): SocketPacket | undefined {
  const decoder = new SocketDecoder();
  let out: SocketPacket | undefined;
  for (const f of frames) out = decoder.add(f as string | Uint8Array);
  return out;
}

/** Decode our frames with the reference decoder. */
function theirsDecode(frames: unknown[]): RefPacket | undefined {
  const decoder = new RefDecoder();
  let out: RefPacket | undefined;
  decoder.on("decoded", (p: RefPacket) => (out = p));
  for (const f of frames) decoder.add(f);
  return out;
}

async function comparable(p: { type: number; nsp: string; id?: number; data?: unknown } | undefined) {
  if (!p) return p;
  // The reference decoder reports BINARY_EVENT/BINARY_ACK as EVENT/ACK once reassembled; ours keeps the wire type.
  return { type: p.type > 4 ? p.type - 3 : p.type, nsp: p.nsp, id: p.id, data: await normalize(p.data) };
}

describe("socket.io-parser", () => {
  test.each(packets.map((p, i) => [i, p] as const))("packet %i: theirs → ours", async (_, packet) => {
    const frames = new RefEncoder().encode({ ...packet } as RefPacket);
    const mine = encodeSocketPacket(packet);
    expect(mine[0]).toBe(frames[0]); // byte-identical text frame
    expect(await comparable(oursDecode(frames))).toEqual(await comparable(theirsDecode(frames)));
  });

  test.each(packets.map((p, i) => [i, p] as const))("packet %i: ours → theirs", async (_, packet) => {
    const frames = encodeSocketPacket(packet);
    const decoded = theirsDecode(frames);
    expect(decoded).toBeDefined();
    expect(await comparable(decoded)).toEqual(await comparable(oursDecode(frames)));
    expect(await normalize(decoded!.data)).toEqual(await normalize(packet.data));
  });

  test("random events agree both ways", async () => {
    // No "__proto__" keys here: with binary in the packet, socket.io-parser's copy drops them (the test below).
    const json = fc.jsonValue({ maxDepth: 2 }).filter((v) => !JSON.stringify(v).includes('"__proto__"'));
    const leaf = fc.oneof(json, fc.uint8Array({ maxLength: 8 }).map((u) => Buffer.from(u)));
    const arb = fc.record({
      type: fc.constantFrom(2 as const, 3 as const),
      nsp: fc.constantFrom("/", "/x"),
      id: fc.nat(),
      data: fc.tuple(fc.constantFrom("a", "évènement", "x y"), fc.array(leaf, { maxLength: 4 })).map(([n, r]) => [n, ...r]),
    });
    await fc.assert(
      fc.asyncProperty(arb, async (packet) => {
        const theirs = new RefEncoder().encode({ ...packet } as RefPacket);
        expect(encodeSocketPacket(packet)[0]).toBe(theirs[0]);
        expect(await comparable(oursDecode(theirs))).toEqual(await comparable(theirsDecode(encodeSocketPacket(packet))));
      }),
      { numRuns: 300 },
    );
  });

  test('an own "__proto__" key travels as data, with binary too (where socket.io-parser drops it)', () => {
    const data = ["a", JSON.parse('{"__proto__":{"x":1},"b":2}'), bin(7)];
    const frames = encodeSocketPacket({ type: 2, nsp: "/", data });
    expect(frames[0]).toBe('51-["a",{"__proto__":{"x":1},"b":2},{"_placeholder":true,"num":0}]');
    expect(new RefEncoder().encode({ type: 2, nsp: "/", data } as RefPacket)[0]).toBe('51-["a",{"b":2},{"_placeholder":true,"num":0}]');
    const decoded = oursDecode(frames) as SocketPacket & { data: Array<Record<string, unknown>> };
    expect(Object.getOwnPropertyNames(decoded.data[1])).toEqual(["__proto__", "b"]);
    expect(Object.getPrototypeOf(decoded.data[1])).toBe(Object.prototype);
  });
});

describe("engine.io-parser", () => {
  const enginePackets: EnginePacket[] = [
    { type: "open", data: '{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}' },
    { type: "close" },
    { type: "ping", data: "probe" },
    { type: "pong" },
    { type: "message", data: "hello ☃" },
    { type: "message", data: bin(1, 2, 3) },
    { type: "upgrade" },
    { type: "noop" },
  ];

  const refEncode = (p: EnginePacket, supportsBinary: boolean) =>
    new Promise<string | Buffer>((resolve) => ref.encodePacket(p as ref.Packet, supportsBinary, (d) => resolve(d as string | Buffer)));

  test.each(enginePackets)("%j both ways, text and binary", async (packet) => {
    for (const supportsBinary of [true, false]) {
      const theirs = await refEncode(packet, supportsBinary);
      const mine = encodePacket(packet, supportsBinary);
      if (typeof theirs === "string") expect(mine).toBe(theirs);
      expect(await normalize(decodePacket(theirs))).toEqual(await normalize(packet));
      expect(await normalize(ref.decodePacket(mine as string, "arraybuffer"))).toEqual(await normalize(packet));
    }
  });

  test("payloads both ways", async () => {
    const theirs = await new Promise<string>((resolve) => ref.encodePayload(enginePackets as ref.Packet[], resolve));
    expect(encodePayload(enginePackets)).toBe(theirs);
    expect(await normalize(decodePayload(theirs))).toEqual(await normalize(enginePackets));
    expect(await normalize(ref.decodePayload(encodePayload(enginePackets), "arraybuffer"))).toEqual(await normalize(enginePackets));
  });

  test("random binary and text packets agree", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 30 }), fc.uint8Array({ maxLength: 300 })), async (data) => {
        const packet: EnginePacket = { type: "message", data };
        const theirs = await refEncode(packet, false);
        expect(encodePacket(packet, false)).toBe(theirs);
        expect(await normalize(decodePacket(theirs))).toEqual(await normalize(ref.decodePacket(theirs, "arraybuffer")));
      }),
      { numRuns: 500 },
    );
  });
});

// Socket.IO v5 codec: every example of PROTOCOL.md §2 both ways, nested binary round trips over binary and
// base64 transports, toJSON, cyclic data, decoder state.
import { describe, expect, test } from "vitest";
import {
  ACK, BINARY_ACK, BINARY_EVENT, CONNECT, CONNECT_ERROR, DISCONNECT, EVENT,
  encodeSocketPacket, isReservedEvent, ProtocolError, SocketDecoder, type SocketPacket,
} from "@omnio/client";
import { bytes, normalize, transmit } from "./codec-helpers.js";

describe("PROTOCOL.md §2 examples", () => {
  const cases: Array<[string, SocketPacket]> = [
    ["0", { type: CONNECT, nsp: "/" }],
    ['0/admin,{"token":"x"}', { type: CONNECT, nsp: "/admin", data: { token: "x" } }],
    ['0/admin,{"sid":"oSO0OpakMV_3jnilAAAA"}', { type: CONNECT, nsp: "/admin", data: { sid: "oSO0OpakMV_3jnilAAAA" } }],
    ['4/admin,{"message":"Not authorized"}', { type: CONNECT_ERROR, nsp: "/admin", data: { message: "Not authorized" } }],
    ['4/chat,{"message":"Invalid namespace"}', { type: CONNECT_ERROR, nsp: "/chat", data: { message: "Invalid namespace" } }],
    ['2["news",{"hello":"world"}]', { type: EVENT, nsp: "/", data: ["news", { hello: "world" }] }],
    ['2/chat,12["msg","hi"]', { type: EVENT, nsp: "/chat", id: 12, data: ["msg", "hi"] }],
    ['3/chat,12["ok"]', { type: ACK, nsp: "/chat", id: 12, data: ["ok"] }],
    ["1/admin,", { type: DISCONNECT, nsp: "/admin" }],
    ["1", { type: DISCONNECT, nsp: "/" }],
    ['4"plain reason"', { type: CONNECT_ERROR, nsp: "/", data: "plain reason" }],
    ['0{"pid":"x1","offset":"17"}', { type: CONNECT, nsp: "/", data: { pid: "x1", offset: "17" } }],
  ];
  test.each(cases)("%s decodes and encodes back", (wire, packet) => {
    expect(new SocketDecoder().add(wire)).toEqual(packet);
    expect(encodeSocketPacket(packet)).toEqual([wire]);
  });

  test('51-["file",{"_placeholder":true,"num":0}] + one attachment, both directions', () => {
    const wire = '51-["file",{"_placeholder":true,"num":0}]';
    const decoder = new SocketDecoder();
    expect(decoder.add(wire)).toBeUndefined();
    expect(decoder.awaitingAttachments).toBe(true);
    const attachment = new Uint8Array([0xca, 0xfe]).buffer;
    const packet = decoder.add(attachment);
    expect(decoder.awaitingAttachments).toBe(false);
    expect(packet).toEqual({ type: BINARY_EVENT, nsp: "/", data: ["file", attachment] });
    expect((packet!.data as unknown[])[1]).toBe(attachment); // put back as received

    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["file", attachment] });
    expect(frames).toEqual([wire, attachment]);
    expect(frames[1]).toBe(attachment);
  });

  test("binary ack in a namespace: nsp before the ack id, count first", () => {
    const frames = encodeSocketPacket({ type: ACK, nsp: "/chat", id: 7, data: [{ file: new Uint8Array([1]) }] });
    expect(frames[0]).toBe('61-/chat,7[{"file":{"_placeholder":true,"num":0}}]');
  });
});

describe("nested binary round trips", () => {
  const ab = () => new Uint8Array([1, 2, 3]).buffer;
  const u8 = () => new Uint8Array([4, 5, 250]);
  const buf = () => Buffer.from("node");
  const blob = () => new Blob([new Uint8Array([7, 8])]);
  const shapes: Array<[string, () => unknown[]]> = [
    ["top level", () => ["up", ab()]],
    ["depth 2", () => ["up", { file: u8() }]],
    ["depth 4, mixed kinds", () => ["up", { a: [{ b: buf(), c: [blob()] }], d: ab() }, "tail", 42, null]],
    ["many siblings", () => ["up", Array.from({ length: 20 }, (_, i) => (i % 2 ? new Uint8Array([i]) : { n: i }))]],
    ["a view into a larger buffer", () => ["up", new Uint8Array([9, 1, 2, 9]).subarray(1, 3)]],
  ];
  for (const supportsBinary of [true, false]) {
    test.each(shapes)(`%s (${supportsBinary ? "binary" : "base64"})`, async (_, make) => {
      const packet: SocketPacket = { type: EVENT, nsp: "/files", id: 3, data: make() };
      const received = await transmit(packet, supportsBinary);
      expect(received?.type).toBe(BINARY_EVENT);
      expect(received?.id).toBe(3);
      expect(await normalize(received?.data)).toEqual(await normalize(packet.data));
    });
  }

  test('with binaryType "nodebuffer" every attachment comes back a Buffer', async () => {
    const received = await transmit({ type: ACK, nsp: "/", id: 1, data: [ab(), { x: u8() }] }, false, "nodebuffer");
    const [first, { x }] = received!.data as [Buffer, { x: Buffer }];
    expect(Buffer.isBuffer(first) && Buffer.isBuffer(x)).toBe(true);
    expect(bytes(first)).toEqual([1, 2, 3]);
    expect(received!.type).toBe(BINARY_ACK);
  });

  test("the caller's data is not mutated by encoding", () => {
    const inner = { file: u8() };
    const data = ["up", inner];
    encodeSocketPacket({ type: EVENT, nsp: "/", data });
    expect(data[1]).toBe(inner);
    expect(inner.file).toBeInstanceOf(Uint8Array);
  });

  test("BINARY_EVENT without binary goes out as a plain EVENT", () => {
    expect(encodeSocketPacket({ type: BINARY_EVENT, nsp: "/", data: ["a"] })).toEqual(['2["a"]']);
  });
});

describe("JSON semantics", () => {
  test("toJSON is honoured as JSON.stringify does, also around binary", () => {
    const when = new Date(Date.UTC(2020, 0, 2));
    const custom = { toJSON: (key: string) => ({ key, bin: new Uint8Array([1]) }) };
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", when, { c: custom }] });
    expect(frames[0]).toBe('51-["t","2020-01-02T00:00:00.000Z",{"c":{"key":"c","bin":{"_placeholder":true,"num":0}}}]');
    expect(encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", when] })).toEqual(['2["t","2020-01-02T00:00:00.000Z"]']);
  });

  test("undefined members are dropped as JSON does", () => {
    expect(encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", { a: undefined, b: 1 }] })).toEqual(['2["t",{"b":1}]']);
  });

  test("cyclic data is a ProtocolError, with or without binary", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", cyclic] })).toThrow(ProtocolError);
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", cyclic] })).toThrow(/data not JSON-serializable/);
    try {
      encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", cyclic] });
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(TypeError); // the engine's own words about the cycle
    }
    const withBin: Record<string, unknown> = { b: new Uint8Array(1) };
    withBin.self = withBin;
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", withBin] })).toThrow(ProtocolError);
    try {
      encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", [withBin]] });
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(TypeError); // the copy leaves the cycle for JSON.stringify
    }
    const cyclicConnect: Record<string, unknown> = {};
    cyclicConnect.me = cyclicConnect;
    expect(() => encodeSocketPacket({ type: CONNECT, nsp: "/", data: cyclicConnect })).toThrow(ProtocolError);
  });

  test("data deeper than 1000 levels is not mistaken for cyclic: JSON.stringify decides, binary still found", () => {
    const nest = (leaf: unknown) => {
      let v = leaf;
      for (let i = 0; i < 1500; i++) v = [v];
      return v;
    };
    const [plain] = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", nest(1)] });
    expect(plain).toBe(`2["t",${"[".repeat(1500)}1${"]".repeat(1500)}]`);
    const bin = new Uint8Array([1]);
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", nest(bin)] });
    expect(frames[0]).toBe(`51-["t",${"[".repeat(1500)}{"_placeholder":true,"num":0}${"]".repeat(1500)}]`);
    expect(frames[1]).toBe(bin);
  });

  test("a bad namespace is refused on encode", () => {
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "chat", data: ["a"] })).toThrow(/bad namespace/);
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "/a,b", data: ["a"] })).toThrow(ProtocolError);
  });

  test("BigInt is refused as JSON.stringify refuses it", () => {
    expect(() => encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", 1n] })).toThrow(/data not JSON-serializable/);
  });
});

describe("decoder state", () => {
  test("a text frame while attachments are pending fails and resets; the next packet decodes", () => {
    const d = new SocketDecoder();
    d.add('52-["a",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
    d.add(new ArrayBuffer(1));
    expect(() => d.add('2["b"]')).toThrow(/attachment missing/);
    expect(d.awaitingAttachments).toBe(false);
    expect(d.add('2["b"]')).toEqual({ type: EVENT, nsp: "/", data: ["b"] });
  });

  test("attachments fill placeholders by num, not by arrival order", () => {
    const d = new SocketDecoder();
    d.add('52-["a",{"_placeholder":true,"num":1},[{"_placeholder":true,"num":0}]]');
    const first = new Uint8Array([0]);
    const second = new Uint8Array([1]);
    d.add(first);
    expect(d.add(second)?.data).toEqual(["a", second, [first]]);
  });

  test("reset() drops a partial packet", () => {
    const d = new SocketDecoder();
    d.add('51-["a",{"_placeholder":true,"num":0}]');
    d.reset();
    expect(d.awaitingAttachments).toBe(false);
    expect(() => d.add(new ArrayBuffer(1))).toThrow(/unexpected binary frame/);
  });

  test("at most 10,000 attachments: the count is checked before the placeholders", () => {
    expect(() => new SocketDecoder().add('510000-["a"]')).toThrow(/bad placeholder/);
    expect(() => new SocketDecoder().add('510001-["a"]')).toThrow(/bad attachment count/);
  });

  test("a decoder is reusable after a complete binary packet", () => {
    const d = new SocketDecoder();
    d.add('51-["a",{"_placeholder":true,"num":0}]');
    expect(d.add(new Uint8Array([1]))?.data).toEqual(["a", new Uint8Array([1])]);
    expect(d.add('61-3[{"_placeholder":true,"num":0}]')).toBeUndefined();
    expect(d.add(new Uint8Array([2]))).toEqual({ type: BINARY_ACK, nsp: "/", id: 3, data: [new Uint8Array([2])] });
    expect(() => d.add(new Uint8Array([3]))).toThrow(/unexpected binary frame/);
  });

  test("large ack ids up to 2^53-1 are accepted", () => {
    expect(new SocketDecoder().add(`3${Number.MAX_SAFE_INTEGER}[]`)?.id).toBe(Number.MAX_SAFE_INTEGER);
  });

  test("isReservedEvent", () => {
    for (const name of ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"]) {
      expect(isReservedEvent(name)).toBe(true);
    }
    for (const name of ["message", "Connect", "constructor", "toString", ""]) expect(isReservedEvent(name)).toBe(false);
  });
});

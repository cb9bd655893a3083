// Engine.IO v4 codec: every example of PROTOCOL.md §1 both ways, base64 edge cases, binaryType, payload limits.
import { describe, expect, test } from "vitest";
import { decodePacket, decodePayload, encodePacket, encodePayload, type EnginePacket } from "@omnio/client";
import { bytes } from "./codec-helpers.js";

const OPEN = '0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

describe("PROTOCOL.md §1 examples", () => {
  const cases: Array<[string, EnginePacket]> = [
    [OPEN, { type: "open", data: OPEN.slice(1) }],
    ["1", { type: "close" }],
    ["2", { type: "ping" }],
    ["3", { type: "pong" }],
    ["2probe", { type: "ping", data: "probe" }],
    ["3probe", { type: "pong", data: "probe" }],
    ["4hello", { type: "message", data: "hello" }],
    ["5", { type: "upgrade" }],
    ["6", { type: "noop" }],
  ];
  test.each(cases)("%j decodes and encodes back", (wire, packet) => {
    expect(decodePacket(wire)).toEqual(packet);
    expect(encodePacket(packet, true)).toBe(wire);
    expect(encodePacket(packet, false)).toBe(wire);
  });

  test("the open packet's JSON is the handshake", () => {
    const open = decodePacket(OPEN);
    expect(JSON.parse(open.data as string)).toMatchObject({ upgrades: ["websocket"], pingInterval: 25000, maxPayload: 1000000 });
  });

  test("payload 4hello\\x1e4world\\x1ebAQID", () => {
    const packets = decodePayload("4hello\x1e4world\x1ebAQID");
    expect(packets.slice(0, 2)).toEqual([{ type: "message", data: "hello" }, { type: "message", data: "world" }]);
    expect(packets[2]!.type).toBe("message");
    expect(packets[2]!.data).toBeInstanceOf(ArrayBuffer);
    expect(bytes(packets[2]!.data as ArrayBuffer)).toEqual([1, 2, 3]);
    expect(encodePayload(packets)).toBe("4hello\x1e4world\x1ebAQID");
    expect(encodePayload([{ type: "message", data: "hello" }, { type: "message", data: "world" }, { type: "message", data: new Uint8Array([1, 2, 3]) }]))
      .toBe("4hello\x1e4world\x1ebAQID");
  });
});

describe("binary", () => {
  test("raw when the transport supports binary, the same object", () => {
    const u8 = new Uint8Array([1, 2, 3]);
    const ab = new ArrayBuffer(4);
    const blob = new Blob([u8]);
    expect(encodePacket({ type: "message", data: u8 }, true)).toBe(u8);
    expect(encodePacket({ type: "message", data: ab }, true)).toBe(ab);
    expect(encodePacket({ type: "message", data: blob }, true)).toBe(blob);
  });

  test("base64 of a view covers only the view's bytes", () => {
    const backing = new Uint8Array([9, 9, 1, 2, 3, 9]);
    expect(encodePacket({ type: "message", data: backing.subarray(2, 5) }, false)).toBe("bAQID");
    expect(encodePacket({ type: "message", data: new DataView(backing.buffer, 2, 3) }, false)).toBe("bAQID");
    expect(encodePacket({ type: "message", data: Buffer.from([1, 2, 3]) }, false)).toBe("bAQID");
  });

  test("raw frames decode to a message; partial views are copied out, whole buffers kept", () => {
    const ab = new Uint8Array([5, 6]).buffer;
    expect(decodePacket(ab).data).toBe(ab);
    const pooled = Buffer.from([7, 8, 9, 10]).subarray(1, 3);
    const out = decodePacket(pooled).data as ArrayBuffer;
    expect(out).toBeInstanceOf(ArrayBuffer);
    expect(bytes(out)).toEqual([8, 9]);
  });

  test('binaryType "nodebuffer" gives Buffers, from base64 and raw frames', () => {
    const fromText = decodePacket("bAQID", "nodebuffer").data;
    expect(Buffer.isBuffer(fromText)).toBe(true);
    expect(bytes(fromText as Buffer)).toEqual([1, 2, 3]);
    const raw = Buffer.from([4, 5]);
    const fromRaw = decodePacket(raw, "nodebuffer").data as Buffer;
    expect(Buffer.isBuffer(fromRaw) && fromRaw.buffer === raw.buffer && fromRaw.equals(raw)).toBe(true); // no copy
    const fromAb = decodePacket(new Uint8Array([6]).buffer, "nodebuffer").data;
    expect(Buffer.isBuffer(fromAb)).toBe(true);
    expect(Buffer.isBuffer(decodePayload("4a\x1ebAQID", "nodebuffer")[1]!.data)).toBe(true);
  });

  test("base64 agrees with Node's Buffer for every length 0..300 and for 1 MiB", () => {
    for (let n = 0; n <= 300; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const wire = encodePacket({ type: "message", data }, false) as string;
      expect(wire).toBe("b" + Buffer.from(data).toString("base64"));
      expect(bytes(decodePacket(wire).data as ArrayBuffer)).toEqual(Array.from(data));
    }
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 7919) & 255);
    const wire = encodePacket({ type: "message", data: big }, false) as string;
    expect(wire).toBe("b" + Buffer.from(big).toString("base64"));
    expect(Buffer.from(decodePacket(wire).data as ArrayBuffer).equals(Buffer.from(big))).toBe(true);
  });

  test("unpadded base64 is accepted (some encoders strip the padding)", () => {
    expect(bytes(decodePacket("bAQ").data as ArrayBuffer)).toEqual([1]);
    expect(bytes(decodePacket("bAQI").data as ArrayBuffer)).toEqual([1, 2]);
    expect(bytes(decodePacket("b").data as ArrayBuffer)).toEqual([]);
  });
});

describe("errors", () => {
  test("a malformed packet in a payload throws its own error", () => {
    expect(() => decodePayload("4ok\x1e4fine\x1e9bad")).toThrow(/^Bad Engine.IO packet: unknown type "9"$/);
    expect(() => decodePayload("4ok\x1ebAQ*D")).toThrow(/^Bad Engine.IO packet: invalid base64$/);
  });
});

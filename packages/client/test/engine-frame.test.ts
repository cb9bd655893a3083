// encodeFrame / decodeFrame: the codec half a binary-capable transport (WebSocket) uses, without base64, so a
// WebSocket-only bundle carries no base64 code. They agree with encodePacket/decodePacket wherever both apply.
import { describe, expect, it } from "vitest";
import { ProtocolError, decodeFrame, decodePacket, encodeFrame, encodePacket } from "@omnio/client";

describe("encodeFrame / decodeFrame", () => {
  it("text packets and raw binary round-trip as with the full codec", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    for (const packet of [{ type: "ping" as const }, { type: "message" as const, data: "hé" }, { type: "open" as const, data: "{}" }]) {
      expect(encodeFrame(packet)).toBe(encodePacket(packet, true));
      expect(decodeFrame(encodeFrame(packet) as string)).toEqual(decodePacket(encodePacket(packet, true) as string));
    }
    expect(encodeFrame({ type: "message", data: bytes })).toBe(bytes);
    expect(new Uint8Array(decodeFrame(bytes.buffer).data as ArrayBuffer)).toEqual(bytes);
  });

  it("rejects what the full codec rejects, naming the problem; `b` is not a type on a binary transport", () => {
    expect(() => encodeFrame({ type: "bogus" as "ping" })).toThrow(/unknown type "bogus"/);
    expect(() => encodeFrame({ type: "ping", data: new Uint8Array(1) })).toThrow(/binary data in a "ping" packet/);
    expect(() => decodeFrame("")).toThrow(/empty string/);
    expect(() => decodeFrame("9x")).toThrow(/unknown type "9" at byte 0/);
    expect(() => decodeFrame("bAQID")).toThrow(ProtocolError);
    expect(() => decodeFrame({} as ArrayBuffer)).toThrow(/unsupported frame of type object/);
  });
});

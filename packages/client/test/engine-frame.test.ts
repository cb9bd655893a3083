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

  it("rejects what the full codec rejects, naming the problem; `b` is not a type on a binary transport (packets to encode come from the session: not checked)", () => {
    expect(() => decodeFrame("")).toThrow(/Bad Engine.IO packet: empty/);
    expect(() => decodeFrame("9x")).toThrow(/Bad Engine.IO packet: unknown type "9"/);
    expect(() => decodeFrame("bAQID")).toThrow(ProtocolError);
  });
});

// Malformed input, engine and socket level: each must be a ProtocolError whose message names the problem.
import { describe, expect, test } from "vitest";
import { decodePacket, decodePayload, ProtocolError, SocketDecoder } from "@omnio/client";

const P = (n: number) => `{"_placeholder":true,"num":${n}}`;

const engine: Array<[string, () => unknown, RegExp]> = [
  ["empty packet", () => decodePacket(""), /^Bad Engine.IO packet: empty$/],
  ["type digit 7", () => decodePacket("7"), /unknown type "7"/],
  ["type letter", () => decodePacket("xhello"), /unknown type "x"/],
  ["non-ASCII type", () => decodePacket("é"), /unknown type/],
  ["base64 bad char", () => decodePacket("bAQ!D"), /invalid base64 character "!" at byte 3/],
  ["base64 length 1 mod 4", () => decodePacket("bAQIDB"), /invalid base64 length 5/],
  ["base64 padding in the middle", () => decodePacket("bAQ==AQID"), /invalid base64 character "="/],
  ["base64 wrong padding", () => decodePacket("bAQ="), /invalid base64 length/],
  ["base64 non-Latin1 char", () => decodePacket("bAQ\u2603D"), /invalid base64 character "\u2603"/],
  ["empty payload", () => decodePayload(""), /empty \(payload packet 0 at byte 0\)/],
  ["trailing separator", () => decodePayload("4a\x1e"), /empty \(payload packet 1 at byte 3\)/],
  ["double separator", () => decodePayload("4a\x1e\x1e4b"), /empty \(payload packet 1 /],
  ["bad packet inside payload", () => decodePayload("4a\x1e4b\x1e8c"), /unknown type "8" \(payload packet 2 at byte 6\)/],
  ["oversized payload", () => decodePayload("4abcdef", undefined, 4), /7 bytes exceed maxPayload 4/],
];

const socket: Array<[string, string, RegExp]> = [
  ["empty frame", "", /empty frame/],
  ["unknown type", "7", /unknown packet type "7"/],
  ["type letter", "x[]", /unknown packet type "x"/],
  ["attachment count on EVENT", '21-["a"]', /attachment count in a type 2 packet/],
  ["missing '-' after count", `51["a",${P(0)}]`, /attachment count must be 1 to maxAttachments \(10000\), then "-"/],
  ["missing count", `5-["a",${P(0)}]`, /attachment count must be 1 to/],
  ["count 0", '50-["a"]', /attachment count must be 1 to/],
  ["count over maxAttachments", '5999999999-["a"]', /attachment count must be 1 to maxAttachments \(10000\)/],
  ["namespace without '/'", '2chat,["a"]', /namespace must start with "\/"/],
  ["namespace without comma", '2/chat["a"]', /namespace without a terminating ","/],
  ["negative ack id", '2/chat,-1["a"]', /negative ack id/],
  ["negative ack id without nsp", '2-1["a"]', /negative ack id/],
  ["ack id beyond 2^53-1", '39007199254740992["a"]', /ack id too large/],
  ["ack id on CONNECT", "01{}", /ack id in a type 0 packet/],
  ["non-numeric ack id", '2/chat,x1["a"]', /unexpected "x" at byte 7/],
  ["ACK without id", '3["a"]', /ACK needs an ack id/],
  ["broken JSON", '2["a",', /invalid JSON at byte 1/],
  ["trailing garbage after JSON", '2["a"]x', /invalid JSON/],
  ["trailing garbage after nsp", "0/admin,x", /unexpected "x" at byte 8/],
  ["CONNECT payload an array", "0[1]", /CONNECT payload must be an object/],
  ["CONNECT payload a string", '0"s"', /CONNECT payload must be an object/],
  ["CONNECT_ERROR payload an array", "4[1]", /CONNECT_ERROR payload must be an object or a string/],
  ["CONNECT_ERROR without payload", "4/admin,", /CONNECT_ERROR payload must be an object or a string/],
  ["EVENT without payload", "2", /EVENT payload must be an array/],
  ["EVENT empty array", "2[]", /EVENT payload must be an array starting with the event name/],
  ["EVENT name a number", "2[1]", /EVENT payload must be an array starting with the event name/],
  ["EVENT object payload", '2{"a":1}', /EVENT payload must be an array/],
  ["ACK object payload", '3/chat,1{"a":1}', /ACK needs an ack id and an array payload/],
  ["DISCONNECT with payload", '1/admin,{"a":1}', /DISCONNECT with a payload/],
  ["reserved: connect", '2["connect"]', /reserved event name "connect"/],
  ["reserved: connect_error", '2["connect_error",1]', /reserved event name "connect_error"/],
  ["reserved: disconnect", '2/chat,["disconnect"]', /reserved event name "disconnect"/],
  ["reserved: disconnecting", '2["disconnecting"]', /reserved event name "disconnecting"/],
  ["reserved: newListener", '2["newListener"]', /reserved event name "newListener"/],
  ["reserved: removeListener", `51-["removeListener",${P(0)}]`, /reserved event name "removeListener"/],
  ["placeholder num out of range", `51-["a",${P(1)}]`, /placeholder num 1 out of range/],
  ["placeholder num negative", `51-["a",${P(-1)}]`, /placeholder num -1 out of range/],
  ["placeholder num not integer", `52-["a",${P(0.5)},${P(1)}]`, /placeholder num 0.5 out of range/],
  ["placeholder num a string", '51-["a",{"_placeholder":true,"num":"0"}]', /placeholder num "0" out of range/],
  ["placeholder num missing", '51-["a",{"_placeholder":true}]', /placeholder num undefined out of range/],
  ["placeholder duplicated", `52-["a",${P(0)},${P(0)}]`, /placeholder num 0 used twice/],
  ["fewer placeholders than count", `52-["a",${P(0)}]`, /1 placeholder\(s\) for 2 attachment\(s\)/],
  ["binary packet without payload", "51-", /EVENT payload must be an array/],
  ["absurdly deep nesting in a binary packet", `51-["a",${"[".repeat(5000)}${P(0)}${"]".repeat(5000)}]`, /nested deeper than 1000/],
];

describe("engine level", () => {
  test.each(engine)("%s", (_, run, message) => {
    expect(run).toThrow(ProtocolError);
    expect(run).toThrow(message);
  });
});

describe("socket level", () => {
  test.each(socket)("%s", (_, frame, message) => {
    const decoder = new SocketDecoder();
    let thrown: unknown;
    try {
      decoder.add(frame);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProtocolError);
    expect((thrown as Error).message).toMatch(message);
    // The decoder stays usable after a bad frame.
    expect(decoder.awaitingAttachments).toBe(false);
    expect(decoder.add('2["ok"]')).toEqual({ type: 2, nsp: "/", data: ["ok"] });
  });

  test("binary frame when none is expected", () => {
    expect(() => new SocketDecoder().add(new Uint8Array([1]))).toThrow(/binary frame while no attachment is expected/);
  });

  test("text frame while attachments are pending", () => {
    const d = new SocketDecoder();
    d.add(`51-["a",${P(0)}]`);
    expect(() => d.add('2["b"]')).toThrow(/text frame while 1 attachment\(s\) are pending/);
  });

  test("the JSON parser's error is kept as cause", () => {
    try {
      new SocketDecoder().add("2[");
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  test("long frames are shown truncated in the message", () => {
    expect(() => new SocketDecoder().add("2" + "x".repeat(10_000))).toThrow(/^Cannot decode Socket.IO packet "2x{59}"…: unexpected "x" at byte 1$/);
  });

  test(`${engine.length + socket.length + 3} malformed inputs covered`, () => {
    expect(engine.length + socket.length).toBeGreaterThanOrEqual(30);
  });
});

// Malformed input, engine and socket level: each must be a ProtocolError whose message names the problem.
import { describe, expect, test } from "vitest";
import { decodePacket, decodePayload, ProtocolError, SocketDecoder } from "@omnio/client";

const P = (n: number) => `{"_placeholder":true,"num":${n}}`;

const engine: Array<[string, () => unknown, RegExp]> = [
  ["empty packet", () => decodePacket(""), /^Bad Engine.IO packet: empty$/],
  ["type digit 7", () => decodePacket("7"), /unknown type "7"/],
  ["type letter", () => decodePacket("xhello"), /unknown type "x"/],
  ["non-ASCII type", () => decodePacket("é"), /unknown type/],
  ["base64 bad char", () => decodePacket("bAQ!D"), /invalid base64/],
  ["base64 length 1 mod 4", () => decodePacket("bAQIDB"), /invalid base64/],
  ["base64 padding in the middle", () => decodePacket("bAQ==AQID"), /invalid base64/],
  ["base64 wrong padding", () => decodePacket("bAQ="), /invalid base64/],
  ["base64 non-Latin1 char", () => decodePacket("bAQ\u2603D"), /invalid base64/],
  ["empty payload", () => decodePayload(""), /empty/],
  ["trailing separator", () => decodePayload("4a\x1e"), /empty/],
  ["double separator", () => decodePayload("4a\x1e\x1e4b"), /empty/],
  ["bad packet inside payload", () => decodePayload("4a\x1e4b\x1e8c"), /unknown type "8"/],
];

const socket: Array<[string, string, RegExp]> = [
  ["empty frame", "", /unknown type/],
  ["unknown type", "7", /unknown type/],
  ["type letter", "x[]", /unknown type/],
  ["attachment count on EVENT", '21-["a"]', /bad attachment count/],
  ["missing '-' after count", `51["a",${P(0)}]`, /bad attachment count/],
  ["missing count", `5-["a",${P(0)}]`, /bad attachment count/],
  ["count 0", '50-["a"]', /bad attachment count/],
  ["count over the limit of 10,000", '510001-["a"]', /bad attachment count/],
  ["count far over the limit", '5999999999-["a"]', /bad attachment count/],
  // What the header does not take is payload, which must start as its type says.
  ["namespace without '/'", '2chat,["a"]', /invalid payload/],
  ["namespace without comma", '2/chat["a"]', /invalid payload/],
  ["negative ack id", '2/chat,-1["a"]', /invalid payload/],
  ["negative ack id without nsp", '2-1', /invalid payload/],
  ["ack id beyond 2^53-1", '39007199254740992["a"]', /bad ack id/],
  ["ack id on CONNECT", "01{}", /bad ack id/],
  ["ack id on DISCONNECT", "1/a,1", /bad ack id/],
  ["ack id on CONNECT_ERROR", '41"no"', /bad ack id/],
  ["non-numeric ack id", '2/chat,x1["a"]', /invalid payload/],
  ["ACK without id", '3["a"]', /bad ack id/],
  ["broken JSON", '2["a",', /invalid JSON/],
  ["trailing garbage after JSON", '2["a"]x', /invalid JSON/],
  ["trailing garbage after nsp", "0/admin,x", /invalid payload/],
  ["payload after whitespace", '2 ["a"]', /invalid payload/],
  ["CONNECT broken JSON", '0{"a":', /invalid JSON/],
  ["CONNECT payload an array", "0[1]", /invalid payload/],
  ["CONNECT payload a string", '0"s"', /invalid payload/],
  ["CONNECT payload null", "0null", /invalid payload/],
  ["CONNECT_ERROR payload an array", "4[1]", /invalid payload/],
  ["CONNECT_ERROR without payload", "4/admin,", /invalid payload/],
  ["EVENT without payload", "2", /invalid payload/],
  ["EVENT empty array", "2[]", /invalid payload/],
  ["EVENT name a number", "2[1]", /invalid payload/],
  ["EVENT name after whitespace", '2[ "a"]', /invalid payload/],
  ["EVENT object payload", '2{"a":1}', /invalid payload/],
  ["ACK object payload", '3/chat,1{"a":1}', /invalid payload/],
  ["DISCONNECT with payload", '1/admin,{"a":1}', /invalid payload/],
  ["reserved: connect", '2["connect"]', /reserved event name/],
  ["reserved: connect_error", '2["connect_error",1]', /reserved event name/],
  ["reserved: disconnect", '2/chat,["disconnect"]', /reserved event name/],
  ["reserved: disconnecting", '2["disconnecting"]', /reserved event name/],
  ["reserved: newListener", '2["newListener"]', /reserved event name/],
  ["reserved: removeListener", `51-["removeListener",${P(0)}]`, /reserved event name/],
  ["placeholder num out of range", `51-["a",${P(1)}]`, /bad placeholder/],
  ["placeholder num negative", `51-["a",${P(-1)}]`, /bad placeholder/],
  ["placeholder num not integer", `52-["a",${P(0.5)},${P(1)}]`, /bad placeholder/],
  ["placeholder num a string", '51-["a",{"_placeholder":true,"num":"0"}]', /bad placeholder/],
  ["placeholder num missing", '51-["a",{"_placeholder":true}]', /bad placeholder/],
  ["placeholder num true", '51-["a",{"_placeholder":true,"num":true}]', /bad placeholder/],
  ["placeholder num null", '51-["a",{"_placeholder":true,"num":null}]', /bad placeholder/],
  ["placeholder num an array", '51-["a",{"_placeholder":true,"num":[0]}]', /bad placeholder/],
  ["placeholder duplicated", `52-["a",${P(0)},${P(0)}]`, /bad placeholder/],
  ["fewer placeholders than count", `52-["a",${P(0)}]`, /bad placeholder/],
  ["binary packet without payload", "51-", /invalid payload/],
  ["absurdly deep nesting in a binary packet", `51-["a",${"[".repeat(5000)}${P(0)}${"]".repeat(5000)}]`, /data too deep/],
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
    expect(() => new SocketDecoder().add(new Uint8Array([1]))).toThrow(/unexpected binary frame/);
  });

  test("text frame while attachments are pending", () => {
    const d = new SocketDecoder();
    d.add(`51-["a",${P(0)}]`);
    expect(() => d.add('2["b"]')).toThrow(/attachment missing/);
  });

  test("the JSON parser's error is kept as cause", () => {
    try {
      new SocketDecoder().add('2["a"');
      expect.unreachable();
    } catch (error) {
      expect((error as Error).cause).toBeInstanceOf(SyntaxError);
    }
  });

  test("messages are short: one prefix, the fault, no copy of the frame", () => {
    expect(() => new SocketDecoder().add("2" + "x".repeat(10_000))).toThrow(/^Bad Socket.IO packet: invalid payload$/);
    expect(() => new SocketDecoder().add('2["' + "x".repeat(10_000))).toThrow(/^Bad Socket.IO packet: invalid JSON$/);
  });

  test(`${engine.length + socket.length + 3} malformed inputs covered`, () => {
    expect(engine.length + socket.length).toBeGreaterThanOrEqual(30);
  });
});

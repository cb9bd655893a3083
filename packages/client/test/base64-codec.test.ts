// The portable base64 codec (used where neither Uint8Array.fromBase64/toBase64 nor Buffer exists) and the
// validation in front of the native paths: all must agree with Node's Buffer on valid input and reject the rest.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import { fromBase64, tableDecode, tableEncode, toBase64 } from "../src/base64.js";
import { ProtocolError } from "@omnio/client";

const nodeB64 = (u: Uint8Array) => Buffer.from(u).toString("base64");

describe("table codec", () => {
  test("agrees with Buffer for random bytes (padded and unpadded input)", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
        const b64 = nodeB64(u);
        expect(tableEncode(u)).toBe(b64);
        expect(Array.from(tableDecode(b64))).toEqual(Array.from(u));
        expect(Array.from(tableDecode(b64.replace(/=+$/, "")))).toEqual(Array.from(u));
      }),
      { numRuns: 1000 },
    );
  });

  test("large input (4 MiB) both ways", () => {
    const big = Uint8Array.from({ length: 4 << 20 }, (_, i) => (i * 131) & 255);
    const b64 = tableEncode(big);
    expect(b64).toBe(nodeB64(big));
    expect(Buffer.from(tableDecode(b64)).equals(Buffer.from(big))).toBe(true);
  });

  test("decodes from an offset and reports bytes relative to the whole string", () => {
    expect(Array.from(tableDecode("bAQID", 1))).toEqual([1, 2, 3]);
    expect(() => tableDecode("bAQ.D", 1)).toThrow(/invalid base64 character "\." at byte 3/);
  });
});

describe("validation in front of native decoders", () => {
  const bad: Array<[string, RegExp]> = [
    ["AQ!D", /character "!" at byte 2/],
    ["AQ D", /character " " at byte 2/], // Buffer and fromBase64 would skip whitespace
    ["AQ-_", /character "-" at byte 2/], // base64url is another alphabet; Buffer accepts it silently
    ["A", /length 1/],
    ["AQ=", /length 3/],
    ["AQ===", /invalid base64 length 5/],
    ["==AQ", /character "=" at byte 0/],
    ["AQ\u00e9D", /character "é"/],
  ];
  test.each(bad)("%j is a ProtocolError", (input, message) => {
    expect(() => fromBase64(input)).toThrow(ProtocolError);
    expect(() => fromBase64(input)).toThrow(message);
    expect(() => tableDecode(input)).toThrow(message);
  });

  test("fromBase64/toBase64 agree with the table codec", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (u) => {
        expect(toBase64(u)).toBe(tableEncode(u));
        expect(Array.from(fromBase64("x" + toBase64(u), 1))).toEqual(Array.from(u));
      }),
      { numRuns: 500 },
    );
  });
});

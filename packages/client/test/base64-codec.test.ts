// base64 for `b<base64>` packets (btoa to encode; Buffer to decode in Node, else atob): must agree with Node's
// Buffer on valid input, and the strict validation in front of both decoders rejects the rest. Every case runs
// with and without a global Buffer.
import { afterEach, beforeEach, describe, expect, test, vi } from "vitest";
import fc from "fast-check";
import { fromBase64, toBase64 } from "../src/base64.js";
import { ProtocolError } from "@omnio/client";

const NodeBuffer = Buffer;
const nodeB64 = (u: Uint8Array) => NodeBuffer.from(u).toString("base64");

describe.each(["Buffer", "btoa/atob"])("%s", (way) => {
  if (way !== "Buffer") {
    beforeEach(() => vi.stubGlobal("Buffer", undefined));
    afterEach(() => vi.unstubAllGlobals());
  }

  test("agrees with Buffer for random bytes, padded and unpadded input", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (u) => {
        const b64 = nodeB64(u);
        expect(toBase64(u)).toBe(b64);
        expect(Array.from(fromBase64(b64))).toEqual(Array.from(u));
        expect(Array.from(fromBase64("b" + b64.replace(/=+$/, ""), 1))).toEqual(Array.from(u));
      }),
      { numRuns: 500 },
    );
  });

  test("large input (1 MiB) both ways, and views of a larger buffer", () => {
    const big = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 131) & 255);
    const b64 = toBase64(big);
    expect(b64).toBe(nodeB64(big));
    expect(nodeB64(fromBase64(b64)) === b64).toBe(true);
    expect(toBase64(big.subarray(3, 6))).toBe(nodeB64(big.subarray(3, 6)));
  });

  test("random near-base64 strings: accepted exactly when strictly valid and canonical", () => {
    const strict = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."AQIDwz09+/=-_ \n!é".split("")), maxLength: 14 }), (s) => {
        let got: number[] | ProtocolError;
        try {
          got = Array.from(fromBase64(s));
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
          got = error as ProtocolError;
        }
        // strictly valid: the alphabet, whole quads or unpadded, and canonical (unused low bits zero)
        const canonical = NodeBuffer.from(s, "base64").toString("base64").replace(/=+$/, "") === s.replace(/=+$/, "");
        if (strict.test(s) && canonical) expect(got).toEqual(Array.from(NodeBuffer.from(s, "base64")));
        else expect(got).toBeInstanceOf(ProtocolError);
      }),
      { numRuns: 3000 },
    );
  });

  const bad: string[] = [
    "AQ!D",
    "AQ D", // Buffer and atob would skip whitespace
    "AQ-_", // base64url is another alphabet; Buffer accepts it silently
    "A",
    "AQ=",
    "AQ===",
    "==AQ",
    "AQ=A",
    "AQ\u00e9D",
    "AR==", // non-canonical: the unused low bits are not zero
    "AQR",
  ];
  test.each(bad)("%j (after a 1-byte prefix) is a ProtocolError", (input) => {
    expect(() => fromBase64("b" + input, 1)).toThrow(ProtocolError);
    expect(() => fromBase64("b" + input, 1)).toThrow("invalid base64");
  });
});

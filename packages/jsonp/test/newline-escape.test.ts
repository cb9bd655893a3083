// The POST escaping against the REAL stock engine.io JSONP decoding (its onData, fed a form body as the
// browser sends it).
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as parser from "engine.io-parser";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { escapeNewlines } from "../src/newline-escape.js";

// engine.io's package exports hide its transports; load the file itself (CommonJS).
const require = createRequire(import.meta.url);
const { JSONP } = require(join(dirname(require.resolve("engine.io")), "transports/polling-jsonp.js")) as { JSONP: { prototype: object } };

interface Decoded {
  type: string;
  data?: unknown;
}

/** What a stock engine.io server decodes from a JSONP POST whose `d` field is `value`. */
function stockDecode(value: string): Decoded[] {
  const packets: Decoded[] = [];
  const fake = { protocol: 4, parser, onPacket: (p: Decoded) => packets.push(p), onClose: () => {} };
  (JSONP.prototype as unknown as { onData(this: typeof fake, body: string): void }).onData.call(
    fake,
    new URLSearchParams({ d: value }).toString(),
  );
  return packets;
}

describe("escapeNewlines", () => {
  it("writes LF as \\n and a literal \\n as \\\\n", () => {
    expect(escapeNewlines("a\nb")).toBe("a\\nb");
    expect(escapeNewlines("a\\nb")).toBe("a\\\\nb");
    expect(escapeNewlines("\\\\n")).toBe("\\\\\\n");
    expect(escapeNewlines("plain")).toBe("plain");
  });

  it("leaves no LF for the browser to turn into CRLF", () => {
    expect(escapeNewlines("\n\n\\n\n")).not.toContain("\n");
  });

  it.each([
    ["LF", "4a\nb"],
    ["CRLF as JSON", '42["m","a\\r\\nb"]'],
    ["literal \\n", "4a\\nb"],
    ["literal \\\\n", "4a\\\\nb"],
    ["JSON with both", '42["x","line1\\nline2\\\\n"]'],
    ["U+2028/9 and quotes", "4\u2028\u2029\"'</script>"],
  ])("round-trips %s through stock engine.io's JSONP decoding", (_name, message) => {
    expect(stockDecode(escapeNewlines(message))).toEqual([{ type: "message", data: message.slice(1) }]);
  });

  it("round-trips any packet text without a backslash right before a LF (the one stock-lossy case)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), (text) => {
        fc.pre(!text.includes("\\\n") && !text.includes("\r") && !text.includes("\x1e"));
        // (engine.io-parser leaves `data` out of an empty message)
        expect(stockDecode(escapeNewlines("4" + text))).toEqual([text ? { type: "message", data: text } : { type: "message" }]);
      }),
      { numRuns: 500 },
    );
  });

  it("documents the stock-lossy case: backslash + LF arrives as a literal \\n", () => {
    // Stock decoding cannot tell an escaped backslash-LF from an escaped literal `\n`. Socket.IO packets are
    // JSON, which never contains a raw LF, so only raw Engine.IO messages can hit this.
    expect(stockDecode(escapeNewlines("4a\\\nb"))).toEqual([{ type: "message", data: "a\\nb" }]);
  });
});

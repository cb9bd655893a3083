// The incremental multipart parser on its own: every split point of a multi-part body (inside boundaries, part
// headers, CRLFs, and — fed as bytes through a streaming TextDecoder — inside multi-byte UTF-8 characters).
import { describe, expect, it } from "vitest";
import { ProtocolError } from "@omnio/client";
import { multipartParser } from "../src/multipart-parser.js";

const B = "omnio-0123abcd";
const HEAD = "Content-Type: text/plain; charset=UTF-8";
const TYPE = `multipart/mixed; boundary="${B}"`;
const body = (payloads: string[], closed = true): string =>
  "--" + B + payloads.map((p) => `\r\n${HEAD}\r\n\r\n${p}\r\n--${B}`).join("") + (closed ? "--" : "");

/** Parts, in order, and whether the closing delimiter was seen, for the body fed in these pieces. */
function feed(pieces: string[]): { parts: string[]; done: boolean } {
  const parser = multipartParser(TYPE);
  const parts: string[] = [];
  for (const piece of pieces) parts.push(...parser.push(piece));
  return { parts, done: parser.done };
}

// Payloads that look like the syntax around them: CRLFs, dashes, a near-boundary, headers-like text, UTF-8.
const PAYLOADS = [
  '0{"sid":"x"}',
  "4a\r\n\r\nb\x1e4--omnio-0123abc\r\n--omnio",
  "",
  "4é€😀\r\n-",
  "4Content-Type: x\r\n\r\n",
];

describe("MultipartParser", () => {
  it("parses a whole body at once", () => {
    expect(feed([body(PAYLOADS)])).toEqual({ parts: PAYLOADS, done: true });
  });

  it("parses every two-way split of the body (as text)", () => {
    const whole = body(PAYLOADS);
    for (let i = 0; i <= whole.length; i++) {
      expect(feed([whole.slice(0, i), whole.slice(i)]), `split at ${i}`).toEqual({ parts: PAYLOADS, done: true });
    }
  });

  it("parses the body fed one character at a time, dispatching each part as soon as its delimiter is complete", () => {
    const whole = body(PAYLOADS);
    const parser = multipartParser(TYPE);
    const seen: Array<{ at: number; part: string }> = [];
    for (let i = 0; i < whole.length; i++) for (const part of parser.push(whole[i]!)) seen.push({ at: i + 1, part });
    expect(seen.map((s) => s.part)).toEqual(PAYLOADS);
    // each part came out exactly when the text up to its closing `\r\n--B` had been fed
    let end = ("--" + B).length;
    for (const [k, p] of PAYLOADS.entries()) {
      end += `\r\n${HEAD}\r\n\r\n${p}\r\n--${B}`.length;
      expect(seen[k]!.at, `part ${k}`).toBe(end);
    }
    expect(parser.done).toBe(true);
  });

  it("parses every two-way split of the UTF-8 bytes through a streaming TextDecoder", () => {
    const bytes = new TextEncoder().encode(body(PAYLOADS));
    for (let i = 0; i <= bytes.length; i++) {
      const decoder = new TextDecoder();
      const pieces = [decoder.decode(bytes.subarray(0, i), { stream: true }), decoder.decode(bytes.subarray(i), { stream: true }), decoder.decode()];
      expect(feed(pieces), `byte split at ${i}`).toEqual({ parts: PAYLOADS, done: true });
    }
  });

  it("parses every three-way split around the boundaries", () => {
    const whole = body(["4x", "4y\r\n--"]);
    for (let i = 0; i <= whole.length; i++) {
      for (let j = i; j <= whole.length; j++) {
        expect(feed([whole.slice(0, i), whole.slice(i, j), whole.slice(j)]), `splits ${i},${j}`).toEqual({ parts: ["4x", "4y\r\n--"], done: true });
      }
    }
  });

  it("keeps parts of an unfinished stream and reports it not done", () => {
    expect(feed([body(["4a", "4b"], false)])).toEqual({ parts: ["4a", "4b"], done: false });
    expect(feed([body(["4a"], false) + `\r\n${HEAD}\r\n\r\n4half`])).toEqual({ parts: ["4a"], done: false });
  });

  it("accepts parts without headers, a preamble and an epilogue", () => {
    expect(feed([`preamble\r\n--${B}\r\n\r\n4a\r\n--${B}--\r\nepilogue`, "more"])).toEqual({ parts: ["4a"], done: true });
  });

  it("throws ProtocolError for a body that is not multipart or a broken part", () => {
    expect(() => feed(["x".repeat(2000)])).toThrow(ProtocolError);
    expect(() => feed([`--${B}XY`])).toThrow(/unexpected "XY" after a boundary/);
    expect(() => feed([`--${B}\r\nno header end\r\n--${B}`])).toThrow(/unended part headers/);
  });

  it("handles a large part arriving in many chunks", () => {
    const big = "4" + "é".repeat(300_000);
    const whole = body([big, "4tail"]);
    const pieces: string[] = [];
    for (let i = 0; i < whole.length; i += 65_536) pieces.push(whole.slice(i, i + 65_536));
    expect(feed(pieces)).toEqual({ parts: [big, "4tail"], done: true });
  });
});

describe("multipartParser(contentType)", () => {
  it("takes quoted and bare boundaries of multipart/mixed only, else throws ProtocolError naming the type", () => {
    const parts = (type: string) => multipartParser(type).push(`--x\r\n\r\n4a\r\n--x--`);
    expect(parts(`multipart/mixed; boundary="x"`)).toEqual(["4a"]);
    expect(parts(`Multipart/Mixed;boundary=x; charset=y`)).toEqual(["4a"]);
    expect(parts(`multipart/mixed; charset=y; boundary=x`)).toEqual(["4a"]);
    for (const type of ["text/plain; boundary=x", "multipart/mixed", "multipart/mixed; boundary=", "multipart/mixed; boundary=\"\""]) {
      expect(() => multipartParser(type), type).toThrow(ProtocolError);
    }
    expect(() => multipartParser(null)).toThrow(/no multipart boundary: null/);
  });
});

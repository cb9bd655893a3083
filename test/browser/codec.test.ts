// The BUILT codecs (packages/client/dist/index.mjs, as `npm test` builds it) in real Chromium: a binary event
// with nested ArrayBuffer + Uint8Array + Blob attachments goes encodeSocketPacket → engine encodePacket (raw
// binary as on WebSocket, and base64 as on polling, also through a payload) → decode, bytes compared in Node.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { BrowserContext, Page } from "playwright-core";
import { newPage } from "../helpers/browser.js";
import { startStaticServer, type StaticServer } from "../helpers/static-server.js";

type Codec = typeof import("@omnio/client");
type PageWindow = Window & { omnio: Codec; codecReady?: string };

let server: StaticServer;
let context: BrowserContext;
let page: Page;
let errors: Error[];

beforeAll(async () => {
  server = await startStaticServer();
  ({ context, page, errors } = await newPage());
  await page.goto(`${server.origin}/test/pages/codec.html`);
  await page.waitForFunction(() => (window as unknown as PageWindow).codecReady !== undefined, undefined, { timeout: 20_000 });
  expect(await page.evaluate(() => (window as unknown as PageWindow).codecReady)).toBe("ok");
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

/** Runs in the page: returns what was received, with every binary leaf as { kind, bytes }. */
async function roundTripInPage(mode: "binary" | "base64" | "payload") {
  return page.evaluate(async (mode) => {
    const { encodeSocketPacket, encodePacket, decodePacket, encodePayload, decodePayload, SocketDecoder } = (window as unknown as PageWindow).omnio;
    const data = [
      "upload",
      { name: "a.bin", parts: [new Uint8Array([1, 2, 3, 250]), { raw: new Uint8Array([9, 8, 7]).buffer }] },
      new Blob([new Uint8Array([42, 43])]),
      new Uint8Array([0, 5, 6, 7, 0]).subarray(1, 4),
    ];
    let frames = encodeSocketPacket({ type: 2, nsp: "/up", id: 7, data });
    const textFrame = frames[0] as string;
    const attachmentKinds = frames.slice(1).map((f) => (f as object).constructor.name);
    if (mode !== "binary") {
      // Text-only transports: Blobs are converted by the caller first (encodePacket refuses them there).
      frames = await Promise.all(frames.map((f) => (f instanceof Blob ? f.arrayBuffer() : f)));
    }
    let wire: Array<string | ArrayBuffer | ArrayBufferView>;
    if (mode === "payload") {
      const payload = encodePayload(frames.map((f) => ({ type: "message" as const, data: f })));
      wire = decodePayload(payload).map((p) => p.data as string | ArrayBuffer);
    } else {
      wire = [];
      for (const f of frames) {
        let w = encodePacket({ type: "message", data: f }, mode === "binary");
        if (w instanceof Blob) w = await w.arrayBuffer(); // what a WebSocket with binaryType "arraybuffer" delivers
        wire.push(decodePacket(w as string | ArrayBuffer | ArrayBufferView).data as string | ArrayBuffer);
      }
    }
    const decoder = new SocketDecoder();
    let packet;
    for (const w of wire) packet = decoder.add(w);
    const plain = (v: unknown): unknown =>
      v instanceof ArrayBuffer ? { kind: "ArrayBuffer", bytes: Array.from(new Uint8Array(v)) }
      : ArrayBuffer.isView(v) ? { kind: v.constructor.name, bytes: Array.from(new Uint8Array(v.buffer, v.byteOffset, v.byteLength)) }
      : Array.isArray(v) ? v.map(plain)
      : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]))
      : v;
    return {
      textFrame,
      attachmentKinds,
      wireKinds: wire.map((w) => (typeof w === "string" ? "string" : (w as object).constructor.name)),
      packet: packet && { ...packet, data: plain(packet.data) },
    };
  }, mode);
}

const ab = (...bytes: number[]) => ({ kind: "ArrayBuffer", bytes });
const expectedData = ["upload", { name: "a.bin", parts: [ab(1, 2, 3, 250), { raw: ab(9, 8, 7) }] }, ab(42, 43), ab(5, 6, 7)];
const expectedText =
  '54-/up,7["upload",{"name":"a.bin","parts":[{"_placeholder":true,"num":0},{"raw":{"_placeholder":true,"num":1}}]},' +
  '{"_placeholder":true,"num":2},{"_placeholder":true,"num":3}]';

describe("built codec in Chromium", () => {
  test("binary transport: attachments travel raw, come back as ArrayBuffers with the same bytes", async () => {
    const r = await roundTripInPage("binary");
    expect(r.textFrame).toBe(expectedText);
    expect(r.attachmentKinds).toEqual(["Uint8Array", "ArrayBuffer", "Blob", "Uint8Array"]);
    expect(r.wireKinds).toEqual(["string", "ArrayBuffer", "ArrayBuffer", "ArrayBuffer", "ArrayBuffer"]);
    expect(r.packet).toEqual({ type: 5, nsp: "/up", id: 7, data: expectedData });
  });

  test("base64 transport: each attachment as b<base64>, same bytes back", async () => {
    const r = await roundTripInPage("base64");
    expect(r.textFrame).toBe(expectedText);
    expect(r.packet).toEqual({ type: 5, nsp: "/up", id: 7, data: expectedData });
  });

  test("polling payload: all five frames in one \\x1e-joined body", async () => {
    const r = await roundTripInPage("payload");
    expect(r.wireKinds).toEqual(["string", "ArrayBuffer", "ArrayBuffer", "ArrayBuffer", "ArrayBuffer"]);
    expect(r.packet).toEqual({ type: 5, nsp: "/up", id: 7, data: expectedData });
  });

  test("base64 agrees with the page's own btoa for every length 0..64, and malformed input is a ProtocolError", async () => {
    const r = await page.evaluate(() => {
      const { encodePacket, decodePacket } = (window as unknown as PageWindow).omnio;
      const mismatches: number[] = [];
      for (let n = 0; n <= 64; n++) {
        const u = Uint8Array.from({ length: n }, (_, i) => (i * 97 + n) & 255);
        const expected = "b" + btoa(String.fromCharCode(...u));
        const back = new Uint8Array(decodePacket(expected).data as ArrayBuffer);
        if (encodePacket({ type: "message", data: u }, false) !== expected || back.join() !== u.join()) mismatches.push(n);
      }
      const errors = ["bAQ D", "bAQ!D", "bA", "x"].map((s) => {
        try {
          decodePacket(s);
          return "accepted";
        } catch (e) {
          return `${(e as Error).name}: ${(e as Error).message}`;
        }
      });
      return { mismatches, errors, nativeBase64: typeof (Uint8Array as unknown as { fromBase64?: unknown }).fromBase64 === "function" };
    });
    expect(r.mismatches).toEqual([]);
    // A bad character and a bad length alike: the text is not canonical base64 (the round trip differs).
    expect(r.errors[0]).toMatch(/^ProtocolError: .*invalid base64$/);
    expect(r.errors[1]).toMatch(/^ProtocolError: .*invalid base64$/);
    expect(r.errors[2]).toMatch(/^ProtocolError: .*invalid base64$/);
    expect(r.errors[3]).toMatch(/^ProtocolError: .*unknown type "x"/);
    console.info(`Chromium native Uint8Array.fromBase64: ${r.nativeBase64}`);
    expect(errors).toEqual([]);
  });
});

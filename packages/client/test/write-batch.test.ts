// What HttpTransport splits a send() by (batchLength: bodies within maxPayload) and what text-only transports
// read first (readBlobs). Their use by the transports: packages/polling, jsonp and flash-bridge tests.
import { describe, expect, it } from "vitest";
import type { EnginePacket } from "../src/engine-codec.js";
import { readBlobs } from "../src/read-blobs.js";
import { batchLength } from "../src/write-batch.js";

const message = (data: EnginePacket["data"]): EnginePacket => ({ type: "message", data });

describe("batchLength", () => {
  it("takes the longest prefix within maxPayload, counting type and separator", () => {
    const packets = [...Array(10).keys()].map((i) => message(String(i).repeat(30))); // 32 bytes each
    expect(batchLength(packets, 100)).toBe(3);
    expect(batchLength(packets, 96)).toBe(3);
    expect(batchLength(packets, 95)).toBe(2);
    expect(batchLength(packets, 1e6)).toBe(10);
  });

  it("counts UTF-8 bytes, not UTF-16 units", () => {
    // 7, then 42 (40 bytes + 2): 49 fits 50; then 22 (20 bytes + 2): 71 does not
    expect(batchLength([message("first"), message("é".repeat(20)), message("😀".repeat(5))], 50)).toBe(2);
    expect(batchLength([message("é".repeat(20)), message("😀".repeat(5))], 50)).toBe(1);
  });

  it("counts binary as its base64, and packets without data by their type", () => {
    // 300 bytes → 400 base64 characters + 2; a pong is 2 (type + separator)
    expect(batchLength([message(new ArrayBuffer(300)), { type: "pong" }], 404)).toBe(2);
    expect(batchLength([message(new Uint8Array(300)), { type: "pong" }], 403)).toBe(1);
  });

  it("takes one packet at least, however large", () => {
    expect(batchLength([message("x".repeat(100)), message("y")], 10)).toBe(1);
  });
});

describe("readBlobs", () => {
  it("writes at once when there is no Blob", () => {
    let written = 0;
    readBlobs([message("a"), message(new Uint8Array([1]))], () => written++, () => {});
    expect(written).toBe(1);
  });

  it("reads every Blob into an ArrayBuffer in place, then writes, keeping the order", async () => {
    const packets = [message(new Blob([new Uint8Array([1, 2])])), message("between"), message(new Blob(["é"]))];
    const written = new Promise<void>((resolve, reject) => readBlobs(packets, resolve, reject));
    expect(packets[0]!.data).toBeInstanceOf(Blob); // not yet: a Blob is read asynchronously
    await written;
    expect(packets.map((p) => (p.data instanceof ArrayBuffer ? [...new Uint8Array(p.data)] : p.data))).toEqual([[1, 2], "between", [0xc3, 0xa9]]);
  });

  it("a failed read calls fail with its error, never write", async () => {
    const error = new DOMException("the file changed", "NotReadableError");
    class Unreadable extends Blob {
      override arrayBuffer(): Promise<ArrayBuffer> {
        return Promise.reject(error);
      }
    }
    let written = false;
    const failed = await new Promise((resolve) => readBlobs([message("a"), message(new Unreadable(["x"]))], () => (written = true), resolve));
    expect(failed).toBe(error);
    expect(written).toBe(false);
  });
});

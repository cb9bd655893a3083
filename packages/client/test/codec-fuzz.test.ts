// Property tests (fast-check, bounded): garbage and mutated frames only ever raise ProtocolError, quickly;
// random JSON-able data with binary leaves survives encode → engine → decode over binary and base64 transports.
import { describe, expect, test } from "vitest";
import fc from "fast-check";
import {
  decodePacket, decodePayload, encodePayload, encodeSocketPacket, ProtocolError, SocketDecoder,
  type EnginePacket, type SocketPacket,
} from "@omnio/client";
import { normalize, transmit } from "./codec-helpers.js";

/** Run `f`; anything thrown must be a ProtocolError. */
function onlyProtocolErrors(f: () => unknown): void {
  try {
    f();
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error;
  }
}

const binaryLeaf = fc.oneof(
  fc.uint8Array({ maxLength: 16 }),
  fc.uint8Array({ maxLength: 16 }).map((u) => u.slice().buffer as ArrayBuffer),
  fc.uint8Array({ maxLength: 16 }).map((u) => Buffer.from(u)),
);

/** JSON values with binary leaves sprinkled in, a few levels deep. */
const dataWithBinary = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.jsonValue({ maxDepth: 1 }),
    binaryLeaf,
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const eventName = fc.string({ minLength: 1, maxLength: 10 }).filter((s) => !["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"].includes(s));
const nsp = fc.constantFrom("/", "/chat", "/a-b_c", "/ü");

const socketPacket: fc.Arbitrary<SocketPacket> = fc.oneof(
  fc.record({ type: fc.constant(2 as const), nsp, id: fc.option(fc.nat(), { nil: undefined }), data: fc.tuple(eventName, fc.array(dataWithBinary, { maxLength: 3 })).map(([n, rest]) => [n, ...rest]) }, { requiredKeys: ["type", "nsp", "data"] }),
  fc.record({ type: fc.constant(3 as const), nsp, id: fc.nat(), data: fc.array(dataWithBinary, { maxLength: 3 }) }),
  fc.record({ type: fc.constant(0 as const), nsp, data: fc.option(fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 })), { nil: undefined }) }, { requiredKeys: ["type", "nsp"] }),
  fc.record({ type: fc.constant(1 as const), nsp }),
  fc.record({ type: fc.constant(4 as const), nsp, data: fc.oneof(fc.string(), fc.record({ message: fc.string() })) }),
);

/** Strings heavy in the characters the grammars care about, so mutations reach the interesting branches. */
const wireChars = fc.string({ unit: fc.constantFrom(..."0123456789-/,[]{}\"b:_\x1e=+AQID!é\u2028".split("")), maxLength: 40 });

/** A valid frame with a few random edits (replace, insert, delete, truncate). */
const mutated = (valid: fc.Arbitrary<string>) =>
  fc.tuple(valid, fc.array(fc.tuple(fc.nat(), fc.nat(3), fc.string({ maxLength: 2 })), { minLength: 1, maxLength: 4 })).map(([s, edits]) => {
    for (const [at, op, text] of edits) {
      const i = s.length ? at % (s.length + 1) : 0;
      s = op === 0 ? s.slice(0, i) + text + s.slice(i + 1) : op === 1 ? s.slice(0, i) + text + s.slice(i) : op === 2 ? s.slice(0, i) + s.slice(i + 1) : s.slice(0, i);
    }
    return s;
  });

const validSocketText = socketPacket.map((p) => encodeSocketPacket(p)[0] as string);
const validPayload = fc.array(
  fc.oneof(
    fc.record({ type: fc.constantFrom<EnginePacket["type"]>("open", "close", "ping", "pong", "message", "upgrade", "noop"), data: fc.option(fc.string({ maxLength: 8 }), { nil: undefined }) }, { requiredKeys: ["type"] }),
    fc.uint8Array({ maxLength: 8 }).map((data): EnginePacket => ({ type: "message", data })),
  ),
  { minLength: 1, maxLength: 5 },
).map(encodePayload);

describe("garbage never crashes or hangs", () => {
  test("random strings → engine packet, payload, socket decoder", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary", maxLength: 60 }), wireChars), (s) => {
        onlyProtocolErrors(() => decodePacket(s));
        onlyProtocolErrors(() => decodePayload(s, "nodebuffer"));
        onlyProtocolErrors(() => new SocketDecoder().add(s));
      }),
      { numRuns: 2000 },
    );
  });

  test("mutated valid socket frames and engine payloads", () => {
    fc.assert(
      fc.property(mutated(validSocketText), mutated(validPayload), (frame, payload) => {
        onlyProtocolErrors(() => new SocketDecoder().add(frame));
        onlyProtocolErrors(() => decodePayload(payload));
      }),
      { numRuns: 1500 },
    );
  });

  test("random interleavings of text and binary frames on one decoder", () => {
    const chunk = fc.oneof(mutated(validSocketText), validSocketText, fc.uint8Array({ maxLength: 4 }), fc.constant('52-["x",{"_placeholder":true,"num":1},{"_placeholder":true,"num":0}]'));
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 12 }), (chunks) => {
        const decoder = new SocketDecoder();
        for (const c of chunks) onlyProtocolErrors(() => decoder.add(c));
      }),
      { numRuns: 1000 },
    );
  });

  test("a 1 MB hostile frame is rejected fast", () => {
    const started = performance.now();
    for (const frame of ["5" + "9".repeat(1e6), "2/" + "a".repeat(1e6), "3" + "1".repeat(1e6), "2[" + "[".repeat(1e6)]) {
      expect(() => new SocketDecoder().add(frame)).toThrow(ProtocolError);
    }
    expect(() => decodePacket("b" + "A".repeat(1e6 - 1) + "!")).toThrow(ProtocolError);
    expect(performance.now() - started).toBeLessThan(5000); // generous: 2 shared cores; this takes ~20 ms
  });
});

describe("round trips", () => {
  for (const supportsBinary of [true, false]) {
    test(`random packets with binary leaves (${supportsBinary ? "binary" : "base64"} transport)`, async () => {
      await fc.assert(
        fc.asyncProperty(socketPacket, async (packet) => {
          const received = await transmit(packet, supportsBinary);
          expect(received).toBeDefined();
          const expected = JSON.parse(JSON.stringify(await normalize(packet.data)) ?? "null");
          expect(JSON.parse(JSON.stringify(await normalize(received!.data)) ?? "null")).toEqual(expected);
          expect(received!.nsp).toBe(packet.nsp);
          expect(received!.id).toBe(packet.id);
          expect(received!.type % 3).toBe(packet.type % 3); // EVENT ↔ BINARY_EVENT, ACK ↔ BINARY_ACK
        }),
        { numRuns: 500 },
      );
    });
  }

  test("engine payloads round-trip", () => {
    fc.assert(
      fc.property(validPayload, (payload) => {
        expect(encodePayload(decodePayload(payload))).toBe(payload);
      }),
      { numRuns: 1000 },
    );
  });

  test('an own "__proto__" key survives, also around binary', async () => {
    const data = JSON.parse('["e",{"__proto__":{"x":1}}]') as unknown[];
    (data[1] as Record<string, unknown>).bin = new Uint8Array([1]);
    const wire = encodeSocketPacket({ type: 2, nsp: "/", data })[0];
    expect(wire).toBe('51-["e",{"__proto__":{"x":1},"bin":{"_placeholder":true,"num":0}}]');
    const d = new SocketDecoder();
    d.add('51-["e",{"__proto__":{"_placeholder":true,"num":0}}]');
    const got = d.add(new Uint8Array([7]))!.data as [string, Record<string, unknown>];
    expect(Object.getPrototypeOf(got[1])).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(got[1], "__proto__")?.value).toEqual(new Uint8Array([7]));
  });
});

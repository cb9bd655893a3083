// The encoder's binary extraction: data holding binary is stringified with placeholders in its place (by a
// replacer); the caller's data is never touched and own "__proto__" keys stay properties.
import { describe, expect, test } from "vitest";
import { EVENT, SocketDecoder, encodeSocketPacket } from "@omnio/client";

describe("binary extraction", () => {
  test("data without binary is stringified as given; with binary, the caller's objects are untouched", () => {
    const plain = { a: [1, { b: "c" }] };
    expect(encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", plain] })).toEqual([`2["t",{"a":[1,{"b":"c"}]}]`]);
    const bin = new Uint8Array([7]);
    const inner = { keep: 1, bin };
    const list = [0, inner, "x"];
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", list] });
    expect(frames[0]).toBe(`51-["t",[0,{"keep":1,"bin":{"_placeholder":true,"num":0}},"x"]]`);
    expect(frames[1]).toBe(bin);
    expect(inner.bin).toBe(bin);
    expect(list[1]).toBe(inner);
  });

  test('an own "__proto__" key survives the copy as data, and decodes back to an own property', () => {
    const data = JSON.parse('{"__proto__":{"polluted":true},"bin":null}') as Record<string, unknown>;
    data.bin = new Uint8Array([1, 2]);
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", data] });
    expect(frames[0]).toBe(`51-["t",{"__proto__":{"polluted":true},"bin":{"_placeholder":true,"num":0}}]`);
    const decoder = new SocketDecoder();
    decoder.add(`51-["t",{"__proto__":{"_placeholder":true,"num":0}}]`);
    const packet = decoder.add(new Uint8Array([9]));
    const obj = (packet!.data as unknown[])[1] as Record<string, unknown>;
    expect(Object.getPrototypeOf(obj)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(obj, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("an object or binary used twice is not a cycle: each use is copied, each binary use is an attachment", () => {
    const bin = new Uint8Array([1]);
    const shared = { bin };
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", shared, [shared]] });
    const P = (n: number) => `{"bin":{"_placeholder":true,"num":${n}}}`;
    expect(frames[0]).toBe(`52-["t",${P(0)},[${P(1)}]]`);
    expect(frames.slice(1)).toEqual([bin, bin]);
  });

  test("around binary, undefined, functions and holes are written as JSON.stringify writes them", () => {
    const list = [undefined, () => 1, , new Uint8Array([1])]; // index 2 is a hole
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", list, { a: undefined, f: () => 1, b: 2 }] });
    expect(frames[0]).toBe(`51-["t",[null,null,null,{"_placeholder":true,"num":0}],{"b":2}]`);
  });

  test("toJSON gets the key JSON.stringify would pass, array indexes included", () => {
    const keyed = { toJSON: (key: string) => key };
    const frames = encodeSocketPacket({ type: EVENT, nsp: "/", data: ["t", { k: keyed }, keyed, new Uint8Array(1)] });
    expect(frames[0]).toBe(`51-["t",{"k":"k"},"2",{"_placeholder":true,"num":0}]`);
  });
});

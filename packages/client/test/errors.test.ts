// Error classes: names, cause, the aggregate's errors, and the cross-realm brand.
import { describe, expect, it } from "vitest";
import { isOmnioError, OmnioError, ProtocolError, TimeoutError, TransportError } from "../src/index.js";

describe("errors", () => {
  it("each class has its name, keeps the cause, and is an Error", () => {
    const cause = new Error("low level");
    for (const [E, name] of [
      [OmnioError, "OmnioError"],
      [TimeoutError, "TimeoutError"],
      [ProtocolError, "ProtocolError"],
    ] as const) {
      const e = new E("boom", { cause });
      expect([e.name, e.message, e.cause, e instanceof Error, e instanceof OmnioError]).toEqual([name, "boom", cause, true, true]);
      expect(String(e)).toBe(`${name}: boom`);
    }
    expect(new OmnioError("no cause")).not.toHaveProperty("cause");
  });

  it("TransportError carries the transport name and, for an aggregate, one error per attempt", () => {
    const one = new TransportError("refused", "polling");
    const all = new TransportError("all failed", undefined, { errors: [one], cause: one });
    expect([one.name, one.transport, all.errors, all.cause]).toEqual(["TransportError", "polling", [one], one]);
  });

  it("isOmnioError checks the brand, so an error from another realm passes and lookalikes do not", () => {
    expect(isOmnioError(new TimeoutError("t"))).toBe(true);
    expect(isOmnioError({ __omnioError: true })).toBe(true); // what another realm's instance looks like here
    for (const v of [new Error("x"), null, undefined, "OmnioError", 0, { __omnioError: "yes" }]) expect(isOmnioError(v)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { Backoff } from "../src/backoff.js";

describe("Backoff", () => {
  it("doubles from min up to max, without jitter when random() sits in the middle", () => {
    const b = new Backoff(1000, 5000, 0.5, () => 0.5);
    expect([1, 2, 3, 4, 5].map(() => b.duration())).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(b.attempts).toBe(5);
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.duration()).toBe(1000);
  });

  it("spreads each delay over ±jitter and never exceeds max", () => {
    const low = new Backoff(1000, 5000, 0.5, () => 0);
    const high = new Backoff(1000, 5000, 0.5, () => 0.999999);
    expect([low.duration(), low.duration(), low.duration()]).toEqual([500, 1000, 2000]);
    expect([high.duration(), high.duration(), high.duration(), high.duration()]).toEqual([1500, 3000, 5000, 5000]);
  });

  it("stays within bounds for any random value", () => {
    const b = new Backoff(100, 1000, 0.5);
    for (let i = 0; i < 200; i++) {
      const nominal = Math.min(1000, 100 * 2 ** b.attempts);
      const d = b.duration();
      expect(d).toBeGreaterThanOrEqual(nominal * 0.5 - 1);
      expect(d).toBeLessThanOrEqual(1000);
      if (i % 20 === 19) b.reset();
    }
  });

  it("exact exponential delays with jitter 0", () => {
    const b = new Backoff(10, 10_000, 0);
    expect([b.duration(), b.duration(), b.duration(), b.duration()]).toEqual([10, 20, 40, 80]);
  });
});

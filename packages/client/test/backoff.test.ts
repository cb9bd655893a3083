import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/backoff.js";

/** The delays of attempts 0..n-1 (the Manager counts attempts, and restarts from 0 after a success). */
const delays = (n: number, min?: number, max?: number, jitter?: number, random?: () => number) =>
  Array.from({ length: n }, (_, attempt) => backoffDelay(attempt, min, max, jitter, random));

describe("backoffDelay", () => {
  it("doubles from min up to max, without jitter when random() sits in the middle", () => {
    expect(delays(5, 1000, 5000, 0.5, () => 0.5)).toEqual([1000, 2000, 4000, 5000, 5000]);
    expect(backoffDelay(0, 1000, 5000, 0.5, () => 0.5)).toBe(1000);
  });

  it("defaults to socket.io-client's: 1000 ms doubling to 5000 ms, ±50 %", () => {
    expect(delays(4, undefined, undefined, undefined, () => 0.5)).toEqual([1000, 2000, 4000, 5000]);
    expect(backoffDelay(0, undefined, undefined, undefined, () => 0)).toBe(500);
  });

  it("spreads each delay over ±jitter and never exceeds max", () => {
    expect(delays(3, 1000, 5000, 0.5, () => 0)).toEqual([500, 1000, 2000]);
    expect(delays(4, 1000, 5000, 0.5, () => 0.999999)).toEqual([1500, 3000, 5000, 5000]);
  });

  it("stays within bounds for any random value", () => {
    for (let i = 0; i < 200; i++) {
      const attempt = i % 20;
      const nominal = Math.min(1000, 100 * 2 ** attempt);
      const d = backoffDelay(attempt, 100, 1000, 0.5);
      expect(d).toBeGreaterThanOrEqual(nominal * 0.5 - 1);
      expect(d).toBeLessThanOrEqual(1000);
    }
  });

  it("exact exponential delays with jitter 0", () => {
    expect(delays(4, 10, 10_000, 0)).toEqual([10, 20, 40, 80]);
  });
});

// Transport memory: persistence through a fake Storage, fallbacks when storage misbehaves, tolerance of
// whatever a page, an older version or an attacker left under our key, LRU bound, TTL and opt-out.
import { afterEach, describe, expect, it } from "vitest";
import {
  createTransportMemory,
  localStorageOf,
  memoryKey,
  MEMORY_ORIGIN_LIMIT,
  MEMORY_STORAGE_KEY,
  MEMORY_TTL_MS,
  type TransportMemoryOptions,
} from "../src/transport-memory.js";

const A = "https://a.example/socket.io/";
const B = "https://b.example/socket.io/";
const T0 = 1_700_000_000_000;

/** A Storage stand-in that counts calls and can be told to fail like real browsers do. */
class FakeStorage {
  data = new Map<string, string>();
  calls = 0;
  failGet = false;
  failSet = false;
  getItem(k: string): string | null {
    this.calls++;
    if (this.failGet) throw new DOMException("The operation is insecure.", "SecurityError");
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string): void {
    this.calls++;
    if (this.failSet) throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    this.data.set(k, String(v));
  }
  removeItem(k: string): void {
    this.calls++;
    this.data.delete(k);
  }
}

function setup(opts: Partial<TransportMemoryOptions> = {}) {
  const storage = new FakeStorage();
  let t = T0;
  const clock = { set: (v: number) => (t = v), advance: (ms: number) => (t += ms) };
  const make = (more: Partial<TransportMemoryOptions> = {}) =>
    createTransportMemory({ storage, now: () => t, ...opts, ...more });
  return { storage, clock, memory: make(), make };
}

describe("transport memory: records", () => {
  it("records the outcome, time, failure streak and RTT per transport", () => {
    const { memory, clock } = setup();
    memory.record(A, "websocket", "ok", 40);
    clock.advance(1000);
    memory.record(A, "polling", "failed");
    expect(memory.get(A)).toEqual({
      websocket: { last: "ok", at: T0, failures: 0, rttMs: 40 },
      polling: { last: "failed", at: T0 + 1000, failures: 1, rttMs: null },
    });
    expect(memory.get(B)).toEqual({});
  });

  it("counts bad outcomes in a row and resets the count on ok", () => {
    const { memory } = setup();
    memory.record(A, "websocket", "failed");
    memory.record(A, "websocket", "timeout");
    memory.record(A, "websocket", "buffered");
    expect(memory.get(A).websocket).toMatchObject({ last: "buffered", failures: 3 });
    memory.record(A, "websocket", "ok");
    expect(memory.get(A).websocket).toMatchObject({ last: "ok", failures: 0 });
  });

  it("smooths RTT (EWMA, weight 1/4), keeps it when no sample comes, ignores nonsense samples", () => {
    const { memory } = setup();
    memory.record(A, "polling", "ok", 100);
    memory.record(A, "polling", "ok", 200);
    expect(memory.get(A).polling!.rttMs).toBe(125);
    memory.record(A, "polling", "failed");
    for (const bad of [Number.NaN, -5, Number.POSITIVE_INFINITY]) memory.record(A, "polling", "ok", bad);
    expect(memory.get(A).polling!.rttMs).toBe(125);
  });

  it("returns copies: mutating a result changes nothing stored", () => {
    const { memory } = setup();
    memory.record(A, "websocket", "ok", 10);
    const got = memory.get(A) as Record<string, { rttMs: number }>;
    got.websocket!.rttMs = 9999;
    delete got.websocket;
    expect(memory.get(A).websocket!.rttMs).toBe(10);
  });

  it("ignores absurd origin keys; unknown transport names and outcomes are not read back", () => {
    const { memory, storage, make } = setup();
    memory.record("x".repeat(10_000), "websocket", "ok");
    expect(storage.data.size).toBe(0);
    memory.record(A, "carrier-pigeon" as never, "ok");
    memory.record(A, "polling", "meh" as never);
    expect(memory.get(A)).toEqual({});
    expect(make().get(A)).toEqual({});
  });
});

describe("transport memory: TTL and clock", () => {
  it("ignores records older than the TTL (24 h by default) and starts a fresh streak after them", () => {
    const { memory, clock } = setup();
    memory.record(A, "websocket", "failed", 50);
    clock.advance(MEMORY_TTL_MS);
    expect(memory.get(A).websocket).toBeDefined();
    clock.advance(1);
    expect(memory.get(A)).toEqual({});
    memory.record(A, "websocket", "failed");
    expect(memory.get(A).websocket).toMatchObject({ failures: 1, rttMs: null });
  });

  it("ignores records from the future (clock moved back or forged value)", () => {
    const { memory, clock } = setup();
    memory.record(A, "websocket", "ok");
    clock.advance(-2 * 60_000);
    expect(memory.get(A)).toEqual({});
  });
});

describe("transport memory: storage", () => {
  it("persists under one versioned key and survives a reload (a new memory on the same storage)", () => {
    const { memory, storage, make } = setup();
    memory.record(A, "websocket", "ok", 12);
    expect([...storage.data.keys()]).toEqual(["omnio:transports:v1"]);
    expect(JSON.parse(storage.data.get(MEMORY_STORAGE_KEY)!)).toEqual({
      origins: [{ key: A, transports: { websocket: { last: "ok", at: T0, failures: 0, rttMs: 12 } } }],
    });
    expect(make().get(A).websocket).toEqual({ last: "ok", at: T0, failures: 0, rttMs: 12 });
  });

  it("merges what another tab wrote in between instead of overwriting it", () => {
    const { make } = setup();
    const tab1 = make();
    const tab2 = make();
    tab1.record(A, "websocket", "ok");
    tab2.record(A, "polling", "ok");
    tab1.record(B, "jsonp", "failed");
    expect(Object.keys(tab2.get(A)).sort()).toEqual(["polling", "websocket"]);
    expect(tab2.get(B).jsonp).toBeDefined();
  });

  it("keeps at most MEMORY_ORIGIN_LIMIT (20) origins, evicting the least recently recorded", () => {
    expect(MEMORY_ORIGIN_LIMIT).toBe(20);
    const { memory, clock, storage } = setup();
    const keys = Array.from({ length: 20 }, (_, i) => `o${i + 1}`);
    for (const o of keys) {
      memory.record(o, "polling", "ok");
      clock.advance(1);
    }
    memory.record("o1", "websocket", "ok"); // o1 is used again: o2 is now the oldest
    clock.advance(1);
    memory.record("o21", "polling", "ok");
    expect(memory.get("o2")).toEqual({});
    for (const o of ["o1", "o3", "o20", "o21"]) expect(memory.get(o).polling).toBeDefined();
    const stored = JSON.parse(storage.data.get(MEMORY_STORAGE_KEY)!) as { origins: { key: string }[] };
    expect(stored.origins.map((o) => o.key)).toEqual(["o21", "o1", ...keys.slice(2).reverse()]);
  });

  it("applies the limit to what it reads, keeping the first (most recently recorded) origins", () => {
    const { storage, make } = setup();
    const origins = Array.from({ length: 30 }, (_, i) => ({
      key: `o${i}`,
      transports: { polling: { last: "ok", at: T0 - i, failures: 0, rttMs: null } },
    }));
    storage.data.set(MEMORY_STORAGE_KEY, JSON.stringify({ origins }));
    const memory = make();
    expect(memory.get("o19").polling).toBeDefined();
    expect(memory.get("o20")).toEqual({});
  });

  it("falls back to memory when reading storage throws (sandboxed iframe, disabled storage)", () => {
    const { memory, storage } = setup();
    storage.failGet = true;
    expect(memory.get(A)).toEqual({});
    memory.record(A, "websocket", "ok");
    expect(memory.get(A).websocket).toMatchObject({ last: "ok" });
    storage.failGet = false;
    const calls = storage.calls;
    memory.record(A, "polling", "ok"); // memory only from now on
    expect(storage.calls).toBe(calls);
    expect(Object.keys(memory.get(A)).sort()).toEqual(["polling", "websocket"]);
  });

  it("falls back to memory when writing throws (quota, Safari private mode) and keeps what it knew", () => {
    const { memory, storage } = setup();
    memory.record(A, "polling", "ok", 30);
    storage.failSet = true;
    memory.record(A, "websocket", "timeout");
    expect(Object.keys(memory.get(A)).sort()).toEqual(["polling", "websocket"]);
    storage.failSet = false;
    memory.record(B, "jsonp", "ok"); // no more storage writes once it failed
    expect(JSON.parse(storage.data.get(MEMORY_STORAGE_KEY)!).origins).toHaveLength(1);
  });

  it("with storage: null, or when there is no localStorage (Node), records live in the object", () => {
    for (const memory of [createTransportMemory({ storage: null }), createTransportMemory(), createTransportMemory({ storage: localStorageOf(globalThis) })]) {
      memory.record(A, "polling", "ok", 5);
      expect(memory.get(A).polling).toMatchObject({ last: "ok", rttMs: 5 });
    }
  });

  describe("localStorageOf(globalThis)", () => {
    afterEach(() => {
      delete (globalThis as { localStorage?: unknown }).localStorage;
    });
    const install = (get: () => unknown) =>
      Object.defineProperty(globalThis, "localStorage", { get, configurable: true });

    it("is used when present", () => {
      const storage = new FakeStorage();
      install(() => storage);
      const memory = createTransportMemory({ storage: localStorageOf(globalThis) });
      memory.record(A, "websocket", "ok");
      expect(storage.data.has(MEMORY_STORAGE_KEY)).toBe(true);
    });

    it("is skipped when its getter throws (opaque origin) or it is not a Storage", () => {
      install(() => {
        throw new DOMException("denied", "SecurityError");
      });
      expect(localStorageOf(globalThis)).toBe(null);
      install(() => ({ getItem: 1 }));
      const memory = createTransportMemory({ storage: localStorageOf(globalThis) });
      memory.record(A, "polling", "ok"); // its first call fails: memory only from then on
      expect(memory.get(A).polling).toBeDefined();
    });
  });
});

describe("transport memory: corrupt and foreign values", () => {
  const rec = { last: "ok", at: T0, failures: 0, rttMs: 10 };
  const wrap = (transports: unknown, key: unknown = A) => JSON.stringify({ origins: [{ key, transports }] });

  const corrupt: [string, string][] = [
    ["not JSON", "{origins:"],
    ["JSON null", "null"],
    ["a number", "42"],
    ["a string", '"omnio"'],
    ["an array", "[]"],
    ["origins not an array", '{"origins":{}}'],
    ["origins of junk", '{"origins":[null,1,"x",[],{}]}'],
    ["an older shape", JSON.stringify({ [A]: { websocket: "ok" } })],
    ["key not a string", wrap({ websocket: rec }, 5)],
    ["empty key", wrap({ websocket: rec }, "")],
    ["transports a string", wrap("websocket")],
    ["transports an array", wrap([rec])],
    ["unknown outcome", wrap({ websocket: { ...rec, last: "great" } })],
    ["at a string", wrap({ websocket: { ...rec, at: String(T0) } })],
    ["negative failures", wrap({ websocket: { ...rec, failures: -1 } })],
    ["fractional failures", wrap({ websocket: { ...rec, failures: 1.5 } })],
    ["rtt a string", wrap({ websocket: { ...rec, rttMs: "10" } })],
    ["rtt negative", wrap({ websocket: { ...rec, rttMs: -1 } })],
    ["rtt missing", wrap({ websocket: { last: "ok", at: T0, failures: 0 } })],
    ["unknown transport", wrap({ "carrier-pigeon": rec })],
    ["prototype keys", wrap(JSON.parse(`{"__proto__":${JSON.stringify(rec)},"constructor":${JSON.stringify(rec)}}`))],
    ["huge value", wrap({ websocket: { ...rec, junk: "x".repeat(70_000) } })],
  ];

  it.each(corrupt)("%s: ignored without throwing, then replaced by a valid value", (_label, raw) => {
    const { storage, make } = setup();
    storage.data.set(MEMORY_STORAGE_KEY, raw);
    const memory = make();
    expect(memory.get(A)).toEqual({});
    memory.record(A, "polling", "ok");
    expect(memory.get(A)).toEqual({ polling: { last: "ok", at: T0, failures: 0, rttMs: null } });
    expect(JSON.parse(storage.data.get(MEMORY_STORAGE_KEY)!).origins).toHaveLength(1);
  });

  it("keeps the valid parts of a partly broken value", () => {
    const { storage, make } = setup();
    const raw = JSON.stringify({
      origins: [
        { key: A, transports: { websocket: rec, polling: { last: 7 }, jsonp: null } },
        { key: A, transports: { polling: rec } }, // duplicate key: the first wins
        "junk",
        { key: B, used: "an older version's field", transports: { jsonp: { ...rec, last: "timeout", failures: 500 } } },
      ],
      extra: true,
    });
    storage.data.set(MEMORY_STORAGE_KEY, raw);
    const memory = make();
    expect(memory.get(A)).toEqual({ websocket: rec });
    expect(memory.get(B).jsonp).toMatchObject({ last: "timeout", failures: 500 });
    memory.record(B, "jsonp", "failed"); // the streak is capped when it is next recorded
    expect(memory.get(B).jsonp).toMatchObject({ last: "failed", failures: 99 });
  });

  it("treats __proto__ as plain data: no prototype pollution, no inherited records", () => {
    const { storage, make } = setup();
    storage.data.set(
      MEMORY_STORAGE_KEY,
      `{"__proto__":{"polluted":1},"origins":[{"key":"__proto__","transports":{"__proto__":{"polluted":2},"polling":${JSON.stringify(rec)}}}]}`,
    );
    const memory = make();
    const got = memory.get("__proto__");
    expect(got).toEqual({ polling: rec });
    expect(Object.getPrototypeOf(got)).toBe(Object.prototype);
    expect(memory.get("constructor")).toEqual({});
    expect(memory.get("toString")).toEqual({});
    memory.record("__proto__", "websocket", "ok");
    expect(Object.keys(memory.get("__proto__")).sort()).toEqual(["polling", "websocket"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe("memoryKey", () => {
  it("is origin + Engine.IO path with a trailing slash, without query or default port", () => {
    expect(memoryKey("https://Example.com:443/socket.io?EIO=4")).toBe("https://example.com/socket.io/");
    expect(memoryKey(new URL("http://[::1]:8080/chat/"))).toBe("http://[::1]:8080/chat/");
    expect(memoryKey("http://h")).toBe("http://h/");
  });
});

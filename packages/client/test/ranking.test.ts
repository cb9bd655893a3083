// Ranking, the plan derived from it, and probe deadlines: each rule alone, in combination, and with hostile input.
import { describe, expect, it } from "vitest";
import type { ProbeResult, TransportFactory, TransportName, TransportTraits } from "../src/transport.js";
import type { MemoryRecord, MemoryRecords } from "../src/transport-memory.js";
import { DEFAULT_TRANSPORT_ORDER, isRankedDown, rankTransports, type RankingContext, type RankingRow } from "../src/ranking.js";
import { DEFAULT_PROBE_DEADLINE_MS, planSteps, probeDeadline } from "../src/transport-strategy.js";
import { HANDSHAKE_DEADLINE_MS } from "../src/engine.js";

const T: Record<TransportName, TransportTraits> = {
  websocket: { duplex: true, streaming: false, binary: true, crossOrigin: "none", handshake: true },
  flashsocket: { duplex: true, streaming: false, binary: true, crossOrigin: "bridge", handshake: false },
  "xhr-multipart": { duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true },
  htmlfile: { duplex: false, streaming: true, binary: false, crossOrigin: "postMessage", handshake: true },
  polling: { duplex: false, streaming: false, binary: false, crossOrigin: "cors", handshake: true },
  jsonp: { duplex: false, streaming: false, binary: false, crossOrigin: "none", handshake: true },
};
const ALL = DEFAULT_TRANSPORT_ORDER.map((name) => ({ name, traits: T[name] }));
const cands = (...names: TransportName[]) => names.map((name) => ({ name, traits: T[name] }));
const yes = (name: string): ProbeResult => ({ supported: true, reason: `${name} available` });
const probesFor = (no: Partial<Record<TransportName, string>> = {}) =>
  Object.fromEntries(
    DEFAULT_TRANSPORT_ORDER.map((n) => [n, no[n] ? { supported: false, reason: no[n]! } : yes(n)]),
  ) as Record<TransportName, ProbeResult>;

const NOW = 1_700_000_000_000;
const MIN = 60_000;
const mem = (last: MemoryRecord["last"], agoMs: number, failures = last === "ok" ? 0 : 1, rttMs: number | null = null) =>
  ({ last, at: NOW - agoMs, failures, rttMs }) satisfies MemoryRecord;

const order = (rows: RankingRow[]) => rows.map((r) => r.name);
const rank = (memory?: MemoryRecords, ctx: RankingContext = {}, probes = probesFor(), c = ALL) =>
  rankTransports(c, c.map((x) => probes[x.name]), memory, { now: NOW, ...ctx });

describe("rankTransports: rules one by one", () => {
  it("keeps the user's order when nothing is known, scores strictly decreasing", () => {
    const rows = rank();
    expect(order(rows)).toEqual(DEFAULT_TRANSPORT_ORDER);
    expect(rows.map((r) => r.score)).toEqual([160, 150, 140, 130, 120, 110]);
    expect(rows[0]).toEqual({ name: "websocket", supported: true, reason: "websocket available", score: 160, last: null, rttMs: null });
    expect(order(rank(undefined, {}, probesFor(), cands("jsonp", "polling", "websocket")))).toEqual(["jsonp", "polling", "websocket"]);
  });

  it("unsupported: listed last with the probe's reason, score 0, in user order", () => {
    const rows = rank(undefined, {}, probesFor({ websocket: "no WebSocket", htmlfile: "no document" }));
    expect(order(rows)).toEqual(["flashsocket", "xhr-multipart", "polling", "jsonp", "websocket", "htmlfile"]);
    expect(rows.slice(4)).toEqual([
      { name: "websocket", supported: false, reason: "no WebSocket", score: 0, last: null, rttMs: null },
      { name: "htmlfile", supported: false, reason: "no document", score: 0, last: null, rttMs: null },
    ]);
  });

  it.each([
    ["failed", 2 * MIN, "failed 2 min ago on this origin"],
    ["timeout", 5 * MIN, "timed out 5 min ago on this origin"],
    ["buffered", 10_000, "was buffered by a proxy just now on this origin"],
  ] as const)("memory '%s' recently: ranked below every healthy transport", (last, ago, reason) => {
    const rows = rank({ websocket: mem(last, ago) });
    expect(order(rows)).toEqual(["flashsocket", "xhr-multipart", "htmlfile", "polling", "jsonp", "websocket"]);
    expect(rows[5]).toMatchObject({ supported: true, reason, score: 60, last });
    expect(isRankedDown(rows[5]!)).toBe(true);
    expect(rows.slice(0, 5).every((r) => !isRankedDown(r))).toBe(true);
  });

  it("buffered streaming transport falls below polling and jsonp", () => {
    const rows = rank({ "xhr-multipart": mem("buffered", MIN), htmlfile: mem("buffered", MIN) });
    expect(order(rows)).toEqual(["websocket", "flashsocket", "polling", "jsonp", "xhr-multipart", "htmlfile"]);
  });

  it("penalty lasts 10 min per bad outcome, doubling with the streak; then the transport is retried", () => {
    const at = (failures: number, ago: number) => rank({ websocket: mem("failed", ago, failures) })[0]!.name;
    expect(at(1, 9 * MIN)).toBe("flashsocket");
    expect(at(1, 11 * MIN)).toBe("websocket");
    expect(at(2, 19 * MIN)).toBe("flashsocket");
    expect(at(2, 21 * MIN)).toBe("websocket");
    expect(at(3, 39 * MIN)).toBe("flashsocket");
    expect(at(99, 23 * 60 * MIN)).toBe("flashsocket"); // capped at the TTL
    const row = rank({ websocket: mem("timeout", 11 * MIN) })[0]!;
    expect(row).toMatchObject({ name: "websocket", score: 160, last: "timeout", reason: "timed out 11 min ago on this origin; trying again" });
  });

  it("says how often it failed in a row", () => {
    const row = rank({ websocket: mem("failed", 3 * 3_600_000, 7) }).at(-1)!;
    expect(row.reason).toBe("failed 7 times in a row, 3 h ago on this origin");
  });

  it("ok keeps its place and says so (its RTT is in the row)", () => {
    const rows = rank({ polling: mem("ok", 3 * MIN, 0, 42.4) });
    expect(order(rows)).toEqual(DEFAULT_TRANSPORT_ORDER);
    expect(rows[4]).toMatchObject({ name: "polling", score: 120, last: "ok", rttMs: 42.4, reason: "worked 3 min ago on this origin" });
  });

  it("died twice or more this session: ranked down for the next reconnect; once is not enough", () => {
    expect(rank(undefined, { sessionFailures: { websocket: 1 } })[0]!.name).toBe("websocket");
    const rows = rank(undefined, { sessionFailures: { websocket: 2 } });
    expect(rows.at(-1)).toMatchObject({ name: "websocket", reason: "died 2 times this session", score: 60 });
  });

  it("cross-origin: a CORS polling transport that failed stays down for the TTL, jsonp goes first", () => {
    const memory = { polling: mem("failed", 3 * 3_600_000) };
    const c = cands("polling", "jsonp");
    expect(order(rank(memory, { crossOrigin: false }, probesFor(), c))).toEqual(["polling", "jsonp"]);
    const rows = rank(memory, { crossOrigin: true }, probesFor(), c);
    expect(order(rows)).toEqual(["jsonp", "polling"]);
    expect(rows[1]!.reason).toBe("failed 3 h ago on this origin (no CORS?)");
    // jsonp itself needs no CORS: its old failure does not linger.
    expect(order(rank({ jsonp: mem("failed", 3 * 3_600_000) }, { crossOrigin: true }, probesFor(), cands("jsonp", "polling")))).toEqual(["jsonp", "polling"]);
  });
});

describe("rankTransports: combinations and edge cases", () => {
  it("several ranked down keep the user's order among themselves, below all healthy ones", () => {
    const rows = rank(
      { websocket: mem("timeout", MIN), polling: mem("failed", MIN), "xhr-multipart": mem("ok", MIN) },
      { sessionFailures: { htmlfile: 3 } },
      probesFor({ flashsocket: "no bridge" }),
    );
    expect(order(rows)).toEqual(["xhr-multipart", "jsonp", "websocket", "htmlfile", "polling", "flashsocket"]);
    expect(rows.map((r) => r.score)).toEqual([140, 110, 60, 30, 20, 0]);
  });

  it("session failures take precedence in the reason over memory", () => {
    const row = rank({ websocket: mem("failed", MIN) }, { sessionFailures: { websocket: 4 } }).at(-1)!;
    expect(row.reason).toBe("died 4 times this session");
  });

  it("an unsupported transport stays unsupported whatever memory says, but shows it", () => {
    const row = rank({ websocket: mem("ok", MIN, 0, 9) }, {}, probesFor({ websocket: "no WebSocket" })).at(-1)!;
    expect(row).toEqual({ name: "websocket", supported: false, reason: "no WebSocket", score: 0, last: "ok", rttMs: 9 });
  });

  it("all unsupported: every row is still returned, with its reason", () => {
    const no = Object.fromEntries(DEFAULT_TRANSPORT_ORDER.map((n) => [n, `no ${n}`]));
    const rows = rank(undefined, {}, probesFor(no));
    expect(order(rows)).toEqual(DEFAULT_TRANSPORT_ORDER);
    expect(rows.every((r) => !r.supported && r.score === 0 && r.reason === `no ${r.name}`)).toBe(true);
    expect(planSteps(ALL as unknown as TransportFactory[], rows)).toEqual([]);
  });

  it("ignores memory of transports that aren't candidates and prototype keys", () => {
    const memory = JSON.parse(
      `{"__proto__":{"last":"failed","at":${NOW}},"constructor":1,"carrier-pigeon":{"last":"failed","at":${NOW}}}`,
    ) as MemoryRecords;
    const rows = rank(memory, {}, probesFor(), cands("websocket", "polling"));
    expect(rows).toEqual([
      { name: "websocket", supported: true, reason: "websocket available", score: 120, last: null, rttMs: null },
      { name: "polling", supported: true, reason: "polling available", score: 110, last: null, rttMs: null },
    ]);
    expect(rank(undefined, { sessionFailures: JSON.parse('{"__proto__":{"websocket":5}}') })[0]!.name).toBe("websocket");
  });

  it("duplicate candidates: one row, at the first position", () => {
    expect(order(rank(undefined, {}, probesFor(), cands("polling", "websocket", "polling")))).toEqual(["polling", "websocket"]);
  });

  it("without `now`, the current time judges memory's age", () => {
    const recent = { websocket: { ...mem("failed", 0), at: Date.now() - 2 * MIN } };
    const rows = rankTransports(cands("websocket", "polling"), [yes("websocket"), yes("polling")], recent);
    expect(rows.at(-1)).toMatchObject({ name: "websocket", reason: "failed 2 min ago on this origin" });
  });

  it("is pure: same input, same output, inputs untouched", () => {
    const memory = { websocket: mem("failed", MIN) };
    const probes = probesFor();
    const snapshot = JSON.stringify([ALL, probes, memory]);
    expect(rank(memory, {}, probes)).toEqual(rank(memory, {}, probes));
    expect(JSON.stringify([ALL, probes, memory])).toBe(snapshot);
  });
});

describe("the plan from the ranking (planSteps)", () => {
  /** planSteps reads only names and traits. */
  const F = (c: typeof ALL) => c as unknown as TransportFactory[];
  /** Upgrades once the session runs on `current`, the server offering every transport. */
  const upgradesFrom = (rows: RankingRow[], current: TransportName, c = ALL) =>
    planSteps(F(c), rows, undefined, { transport: current, upgrades: DEFAULT_TRANSPORT_ORDER, rttMs: 5 }).map((s) => s.factory.name);
  const plan = (memory?: MemoryRecords, ctx: RankingContext = {}, probes = probesFor(), c = ALL) => {
    const rows = rank(memory, ctx, probes, c);
    const steps = planSteps(F(c), rows);
    const handshake = steps.map((s) => s.factory.name);
    return { handshake, upgrades: handshake[0] ? upgradesFrom(rows, handshake[0], c) : [], deadlineMs: steps[0]?.deadlineMs };
  };

  it("handshakes on polling, then jsonp, then streaming, then duplex; upgrades to better ones, best first", () => {
    expect(plan()).toEqual({
      handshake: ["polling", "jsonp", "xhr-multipart", "htmlfile", "websocket"],
      upgrades: ["websocket", "flashsocket", "xhr-multipart", "htmlfile"],
      deadlineMs: HANDSHAKE_DEADLINE_MS,
    });
  });

  it("jsonp first when CORS polling is unsupported cross-origin, or remembered failing", () => {
    expect(plan(undefined, { crossOrigin: true }, probesFor({ polling: "no CORS XHR" })).handshake[0]).toBe("jsonp");
    expect(plan({ polling: mem("failed", MIN) }).handshake.slice(0, 2)).toEqual(["jsonp", "polling"]);
    const p = plan({ polling: mem("failed", 3 * 3_600_000) }, { crossOrigin: true });
    expect(p.handshake.slice(0, 2)).toEqual(["jsonp", "polling"]);
  });

  it("handshakes directly on the remembered transport, with a deadline from its RTT (at least 2 s)", () => {
    expect(plan({ websocket: mem("ok", MIN, 0, 20), polling: mem("ok", MIN, 0, 30) })).toEqual({
      handshake: ["websocket", "polling", "jsonp", "xhr-multipart", "htmlfile"],
      upgrades: [],
      deadlineMs: 2000,
    });
    expect(plan({ "xhr-multipart": mem("ok", MIN, 0, 400) })).toEqual({
      handshake: ["xhr-multipart", "polling", "jsonp", "htmlfile", "websocket"],
      upgrades: ["websocket", "flashsocket"],
      deadlineMs: 3000,
    });
    // Without an RTT (never recorded so, but storage may say anything): the default 5 s.
    expect(plan({ htmlfile: mem("ok", MIN, 0, null) })).toMatchObject({ handshake: ["htmlfile", "polling", "jsonp", "xhr-multipart", "websocket"], deadlineMs: 5000 });
    // A remembered dependable transport keeps the handshake deadline.
    expect(plan({ polling: mem("ok", MIN, 0, 400) })).toMatchObject({ handshake: ["polling", "jsonp", "xhr-multipart", "htmlfile", "websocket"], deadlineMs: HANDSHAKE_DEADLINE_MS });
  });

  it("does not handshake directly on a remembered transport that is ranked down this session", () => {
    const p = plan({ websocket: mem("ok", MIN) }, { sessionFailures: { websocket: 2 } });
    expect(p.handshake[0]).toBe("polling");
    expect(p.upgrades).not.toContain("websocket");
  });

  it("never probes a ranked-down transport as an upgrade", () => {
    const p = plan({ websocket: mem("timeout", MIN, 1, 50), htmlfile: mem("buffered", MIN) });
    expect(p.handshake[0]).toBe("polling");
    expect(p.upgrades).toEqual(["flashsocket", "xhr-multipart"]);
  });

  it("a single candidate handshakes on itself, with nothing to upgrade to", () => {
    expect(plan(undefined, {}, probesFor(), cands("websocket"))).toEqual({ handshake: ["websocket"], upgrades: [], deadlineMs: HANDSHAKE_DEADLINE_MS });
  });

  it("user order puts polling first: no upgrades (preference is the user's)", () => {
    expect(plan(undefined, {}, probesFor(), cands("polling", "websocket"))).toMatchObject({ handshake: ["polling", "websocket"], upgrades: [] });
  });

  it("a transport that cannot open a session is never handshaken on, but may be upgraded to", () => {
    const p = plan(undefined, {}, probesFor(), cands("flashsocket", "polling"));
    expect(p).toMatchObject({ handshake: ["polling"], upgrades: ["flashsocket"] });
  });

  it("upgrades after falling back to jsonp: better healthy ones above it", () => {
    const rows = rank({ websocket: mem("failed", MIN) }, {}, probesFor({ flashsocket: "no bridge" }));
    expect(upgradesFrom(rows, "jsonp")).toEqual(["xhr-multipart", "htmlfile", "polling"]);
    expect(upgradesFrom(rows, "xhr-multipart")).toEqual([]);
    expect(upgradesFrom(rows, "websocket")).toEqual(["xhr-multipart", "htmlfile", "polling", "jsonp"]);
    expect(upgradesFrom(rows.filter((r) => r.name !== "jsonp"), "jsonp")).toEqual([]);
  });
});

describe("probeDeadline", () => {
  it.each([
    [0, 1000],
    [1, 1005],
    [30, 1150],
    [300, 2500],
    [600, 4000],
    [1800, 10_000],
    [60_000, 10_000],
  ])("rtt %d ms → %d ms (5·rtt + 1 s, clamped to 1–10 s)", (rtt, ms) => {
    expect(probeDeadline(rtt)).toBe(ms);
  });

  it.each([null, undefined, Number.NaN, -1, Number.POSITIVE_INFINITY])("unknown or nonsense (%s) → the default", (rtt) => {
    expect(probeDeadline(rtt)).toBe(DEFAULT_PROBE_DEADLINE_MS);
    expect(DEFAULT_PROBE_DEADLINE_MS).toBe(5000);
  });
});

// planSteps: ranking rows → handshake steps and upgrade steps with deadlines (pure, no timers).
import { describe, expect, it } from "vitest";
import { HANDSHAKE_DEADLINE_MS, type HandshakeInfo } from "../src/engine.js";
import { MIN_SESSION_PROBE_DEADLINE_MS, planSteps, probeDeadline } from "../src/transport-strategy.js";
import { rankTransports } from "../src/ranking.js";
import type { MemoryRecords, ProbeResult, TransportFactory, TransportName } from "../src/index.js";
import { DUPLEX, POLLING, fakeFactory } from "./helpers/fake-transport.js";

const yes: ProbeResult = { supported: true, reason: "ok" };
const no: ProbeResult = { supported: false, reason: "nope" };
const ws = fakeFactory("websocket", DUPLEX);
const xhrm = fakeFactory("xhr-multipart", { ...POLLING, streaming: true });
const poll = fakeFactory("polling", POLLING);
const jsonp = fakeFactory("jsonp", { ...POLLING, crossOrigin: "none" });
const NOW = 1_700_000_000_000;

function rows(list: TransportFactory[], probes: ProbeResult[], memory?: MemoryRecords, failures?: Partial<Record<TransportName, number>>) {
  return rankTransports(list, probes, memory, { now: NOW, sessionFailures: failures });
}
/** The handshake steps. */
function plan(list: TransportFactory[], probes: ProbeResult[], memory?: MemoryRecords) {
  return planSteps(list, rows(list, probes, memory));
}
/** The upgrade steps once the session opened as `session` says. */
const upgrades = (list: TransportFactory[], r: ReturnType<typeof rows>, session: HandshakeInfo, probeTimeout?: number) =>
  planSteps(list, r, probeTimeout, session);
const names = (steps: readonly { factory: { name: string } }[]) => steps.map((s) => s.factory.name);
const hs = (transport: string, upgrades: string[], rttMs = 5) => ({ transport, upgrades, rttMs });

describe("planSteps: handshake", () => {
  it("handshakes directly on a single transport", () => {
    expect(names(plan([ws], [yes]))).toEqual(["websocket"]);
  });

  it("handshakes on the dependable polling-style transports first, then streaming, then duplex ones, in rank order", () => {
    expect(names(plan([ws, xhrm, poll, jsonp], [yes, yes, yes, yes]))).toEqual(["polling", "jsonp", "xhr-multipart", "websocket"]);
    expect(names(plan([ws, xhrm, poll, jsonp], [yes, yes, no, yes]))).toEqual(["jsonp", "xhr-multipart", "websocket"]);
    expect(plan([ws, poll], [yes, yes]).map((s) => s.deadlineMs)).toEqual([HANDSHAKE_DEADLINE_MS, HANDSHAKE_DEADLINE_MS]);
  });

  it("drops unsupported transports", () => {
    expect(names(plan([ws, poll], [yes, no]))).toEqual(["websocket"]);
    expect(plan([ws, poll], [no, no])).toEqual([]);
  });

  it("opens directly on the remembered best transport, with a probe's deadline, and falls back to the dependable ones", () => {
    const memory: MemoryRecords = { websocket: { last: "ok", at: NOW - 1000, failures: 0, rttMs: 400 } };
    const p = plan([ws, xhrm, poll], [yes, yes, yes], memory);
    expect(names(p)).toEqual(["websocket", "polling", "xhr-multipart"]);
    expect(p[0]!.deadlineMs).toBe(probeDeadline(400)); // 5 × 400 + 1000
    expect(p[0]!.deadlineMs).toBe(3000);
    expect(p[1]!.deadlineMs).toBe(HANDSHAKE_DEADLINE_MS);
  });

  it("does not open on a remembered transport that failed since, and ranks polling below JSONP when it failed", () => {
    const memory: MemoryRecords = {
      websocket: { last: "failed", at: NOW - 1000, failures: 1, rttMs: 3 },
      polling: { last: "failed", at: NOW - 1000, failures: 1, rttMs: null },
    };
    expect(names(plan([ws, poll, jsonp], [yes, yes, yes], memory))).toEqual(["jsonp", "polling", "websocket"]);
  });
});

describe("planSteps: upgrades", () => {
  it("upgrades to better-ranked transports the server offers, best first, with a deadline from the live RTT", () => {
    const r = rows([ws, xhrm, poll], [yes, yes, yes]);
    const p = upgrades([ws, xhrm, poll], r, hs("polling", ["xhr-multipart", "websocket"], 400));
    expect(names(p)).toEqual(["websocket", "xhr-multipart"]);
    expect(p[0]!.deadlineMs).toBe(3000);
    expect(upgrades([ws, poll], rows([ws, poll], [yes, yes]), hs("polling", ["websocket"], 10_000))[0]!.deadlineMs).toBe(10_000);
  });

  it("adds a transport's declared start-up time (a bridge to load) to its probe deadlines, upgrade or direct", () => {
    const flash = fakeFactory("flashsocket", { ...DUPLEX, crossOrigin: "bridge", startupMs: 6000 });
    const r = rows([flash, ws, poll], [yes, yes, yes]);
    const p = upgrades([flash, ws, poll], r, hs("polling", ["websocket", "flashsocket"], 400));
    expect(p.map((s) => [s.factory.name, s.deadlineMs])).toEqual([["flashsocket", 9000], ["websocket", 3000]]);
    const memory: MemoryRecords = { flashsocket: { last: "ok", at: NOW - 1000, failures: 0, rttMs: 400 } };
    expect(plan([flash, poll], [yes, yes], memory)[0]).toMatchObject({ factory: flash, deadlineMs: 9000 });
  });

  it("never goes below the session floor, and a fixed probeTimeout wins", () => {
    const r = rows([ws, poll], [yes, yes]);
    expect(upgrades([ws, poll], r, hs("polling", ["websocket"], 1))[0]!.deadlineMs).toBe(MIN_SESSION_PROBE_DEADLINE_MS);
    expect(upgrades([ws, poll], r, hs("polling", ["websocket"], 1), 700)[0]!.deadlineMs).toBe(700);
  });

  it("does not upgrade to what the server does not list, is unsupported, ranks below, or is ranked down", () => {
    const r = rows([ws, poll], [yes, yes]);
    expect(upgrades([ws, poll], r, hs("polling", []))).toEqual([]);
    expect(upgrades([ws, poll], rows([ws, poll], [no, yes]), hs("polling", ["websocket"]))).toEqual([]);
    expect(upgrades([ws, poll], r, hs("websocket", ["polling"]))).toEqual([]);
    const died = rows([ws, poll], [yes, yes], undefined, { websocket: 2 });
    expect(upgrades([ws, poll], died, hs("polling", ["websocket"]))).toEqual([]);
    const buffered: MemoryRecords = { "xhr-multipart": { last: "buffered", at: NOW - 1000, failures: 1, rttMs: null } };
    const b = rows([ws, xhrm, poll], [yes, yes, yes], buffered);
    expect(names(upgrades([ws, xhrm, poll], b, hs("polling", ["websocket", "xhr-multipart"])))).toEqual(["websocket"]);
  });

  it("the user's order is their preference: polling first means no upgrade to websocket", () => {
    const r = rows([poll, ws], [yes, yes]);
    expect(names(planSteps([poll, ws], r))).toEqual(["polling", "websocket"]);
    expect(upgrades([poll, ws], r, hs("polling", ["websocket"]))).toEqual([]);
  });
});

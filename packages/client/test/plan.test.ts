import { describe, expect, it } from "vitest";
import { planConnection } from "../src/plan.js";
import type { ProbeResult } from "../src/index.js";
import { DUPLEX, POLLING, fakeFactory } from "./helpers/fake-transport.js";

const yes: ProbeResult = { supported: true, reason: "ok" };
const no: ProbeResult = { supported: false, reason: "nope" };
const ws = fakeFactory("websocket", DUPLEX);
const xhrm = fakeFactory("xhr-multipart", { ...POLLING, streaming: true, handshake: false });
const poll = fakeFactory("polling", POLLING);
const jsonp = fakeFactory("jsonp", { ...POLLING, crossOrigin: "none" });
const names = (list: readonly { name: string }[]) => list.map((f) => f.name);

describe("planConnection", () => {
  it("handshakes directly on a single transport", () => {
    expect(names(planConnection([ws], [yes]).handshake)).toEqual(["websocket"]);
    expect(planConnection([ws], [yes], { transport: "websocket", upgrades: [], rttMs: 5 }).upgrades).toEqual([]);
  });

  it("handshakes on the first polling-style transport, then falls back in the user's order", () => {
    expect(names(planConnection([ws, xhrm, poll, jsonp], [yes, yes, yes, yes]).handshake)).toEqual(["polling", "websocket", "jsonp"]);
    expect(names(planConnection([ws, xhrm, poll, jsonp], [yes, yes, no, yes]).handshake)).toEqual(["jsonp", "websocket"]);
    expect(names(planConnection([ws, poll], [yes, yes]).handshake)).toEqual(["polling", "websocket"]);
    const streamingHandshake = fakeFactory("htmlfile", { ...POLLING, streaming: true });
    expect(names(planConnection([ws, streamingHandshake], [yes, yes]).handshake)).toEqual(["htmlfile", "websocket"]);
  });

  it("drops unsupported transports", () => {
    expect(names(planConnection([ws, poll], [yes, no]).handshake)).toEqual(["websocket"]);
    expect(names(planConnection([ws, poll], [no, no]).handshake)).toEqual([]);
  });

  it("falls back to the first duplex one when every candidate is duplex", () => {
    const flash = fakeFactory("flashsocket", DUPLEX);
    expect(names(planConnection([ws, flash], [yes, yes]).handshake)).toEqual(["websocket", "flashsocket"]);
  });

  it("upgrades to better-ranked transports the server offers, in the user's order, with an RTT-derived deadline", () => {
    const plan = planConnection([ws, xhrm, poll], [yes, yes, yes], { transport: "polling", upgrades: ["xhr-multipart", "websocket"], rttMs: 100 });
    expect(plan.upgrades.map((u) => u.factory.name)).toEqual(["websocket", "xhr-multipart"]);
    expect(plan.upgrades[0]!.deadlineMs).toBe(3400);
    expect(planConnection([ws, poll], [yes, yes], { transport: "polling", upgrades: ["websocket"], rttMs: 10_000 }).upgrades[0]!.deadlineMs).toBe(10_000);
  });

  it("does not upgrade to what the server does not list, is unsupported, or ranks below the current one", () => {
    expect(planConnection([ws, poll], [yes, yes], { transport: "polling", upgrades: [], rttMs: 1 }).upgrades).toEqual([]);
    expect(planConnection([ws, poll], [no, yes], { transport: "polling", upgrades: ["websocket"], rttMs: 1 }).upgrades).toEqual([]);
    expect(planConnection([ws, poll], [yes, yes], { transport: "websocket", upgrades: ["polling"], rttMs: 1 }).upgrades).toEqual([]);
  });
});

// The upgrade procedure, written once for any pair of transports: open each candidate with the session's sid,
// send `2probe`, expect `3probe` before the deadline, pause the current transport (if it can), then switch. A
// failed candidate is dropped and the next one tried; the first success ends the list. Part of the opt-in
// strategy (transport-strategy.ts): a bundle without one has no upgrades and none of this code.
// @see https://github.com/socketio/engine.io-protocol#upgrade  and  ../../../../shared/PROTOCOL.md §1 "Upgrade"

import type { EnginePacket } from "./engine-codec.js";
import type { Engine, HandshakeStep as UpgradeStep } from "./engine.js";
import { TimeoutError, TransportError } from "./errors.js";
import type { TransportOutcome } from "./transport-memory.js";
import type { Transport, TransportFactory, TransportName } from "./transport.js";

/** Where an upgrade's outcome goes (the strategy's memory); `rttMs` on success. */
export type UpgradeRecord = (name: TransportName, outcome: TransportOutcome, rttMs?: number) => void;

/** A session that can upgrade: an upgrade in progress is cancelled when it closes, writes are held while pausing. */
export interface Upgradable extends Engine {
  /** The upgrade in progress: cancels it (candidate closed, deadline cleared, writes no longer held). */
  _up: (() => void) | undefined;
  /** The current transport is pausing for an upgrade: writes are held. */
  _pausing?: boolean;
}

/** How a failed attempt on `f` is remembered: a streaming one that hangs is the signature of a buffering proxy. */
export const outcomeOf = (f: TransportFactory, error: unknown): TransportOutcome =>
  error instanceof TimeoutError ? (f.traits.streaming ? "buffered" : "timeout") : "failed";

/** The messages' prefix; the events and TransportError's `transport` name the candidate. */
const UPGRADE = "upgrade: ";

/** Try `steps` in order on the open `engine` until one switches. */
export function runUpgrades(engine: Upgradable, steps: UpgradeStep[], record: UpgradeRecord): void {
  const step = steps.shift();
  if (!step || engine.readyState !== "open") return;
  const f = step.factory;
  const name = f.name;
  const started = Date.now();
  let pausing = false;
  // Over first: a transport reporting its close from inside t.close() finds this upgrade over.
  const cancel = () => {
    engine._up = undefined;
    engine._pausing = false;
    clearTimeout(timer);
    t.close();
  };
  const live = () => engine._up === cancel;
  const fail = (error: Error) => {
    if (!live()) return;
    cancel();
    record(name, outcomeOf(f, error));
    engine._h.onEvent("upgradeError", { name, error });
    // Failing after the old transport paused leaves nothing to resume on: end the session, reconnect decides.
    if (pausing) return engine._close("transport error", error);
    runUpgrades(engine, steps, record);
  };
  const probe = (p: EnginePacket) => {
    if (!live() || pausing) return; // late, or a duplicate 3probe
    if (p.type !== "pong" || p.data !== "probe") return fail(new TransportError(`${UPGRADE}expected 3probe, got ${p.type}`, name));
    clearTimeout(timer);
    pausing = engine._pausing = true;
    const old = engine.transport!;
    const swap = () => {
      if (!live()) return; // the session closed meanwhile
      record(name, "ok", Date.now() - started);
      // `5` goes first on the new transport, then what was held while pausing.
      engine._up = undefined;
      engine._pausing = false;
      engine._wb.unshift({ type: "upgrade" });
      engine.transport = t;
      engine._factory = f;
      old.close();
      const event = { name, previous: old.name };
      engine._h.onEvent("upgrade", event);
      engine._h.onEvent("transport", { ...event, reason: "upgrade" });
      engine._flush();
    };
    if (old.pause) old.pause(swap);
    else swap();
  };
  // The candidate reports both to the session, which ignores it until it is the current transport, and to the
  // probe here, which ignores it once the upgrade is over.
  const t: Transport = engine._create({
    ...f,
    create: (ctx) =>
      f.create({
        ...ctx,
        sink: {
          ...ctx.sink, // onDrain
          onOpen: () => live() && t.send([{ type: "ping", data: "probe" }]),
          onPacket: (p) => {
            ctx.sink.onPacket(p);
            probe(p);
          },
          onClose: (reason, error) => {
            ctx.sink.onClose(reason, error);
            fail(new TransportError(UPGRADE + reason, name, { cause: error }));
          },
        },
      }),
  });
  engine._up = cancel;
  const timer = setTimeout(() => fail(new TimeoutError(UPGRADE + "no 3probe")), step.deadlineMs);
  t.open();
}

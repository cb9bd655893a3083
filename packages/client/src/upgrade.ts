// The upgrade procedure, written once for any pair of transports: open the candidate with the session's sid,
// send `2probe`, expect `3probe` before the deadline, pause the current transport (if it can), then let the
// session switch. Any failure drops the candidate; the session decides what follows.
// @see https://github.com/socketio/engine.io-protocol#upgrade  and  ../../../../shared/PROTOCOL.md §1 "Upgrade"

import type { EnginePacket } from "./engine-codec.js";
import { TimeoutError, TransportError } from "./errors.js";
import type { Transport, TransportFactory } from "./transport.js";

/** What an upgrade needs from the session. */
export interface UpgradeHost {
  /** The transport being upgraded away from. */
  readonly transport: Transport | undefined;
  /** 3probe arrived and the current transport is paused: switch to `up.transport` now. */
  _switch(up: Upgrade): void;
  /** The upgrade failed; `up.pausing` tells whether the current transport was already paused. */
  _upgradeFailed(up: Upgrade, error: Error): void;
}

export class Upgrade {
  /** 3probe arrived: the current transport is pausing (or paused), writes are held. */
  pausing = false;
  private _timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly factory: TransportFactory,
    readonly transport: Transport,
    private readonly _host: UpgradeHost,
  ) {}

  start(deadlineMs: number): void {
    this._timer = setTimeout(() => this._fail(new TimeoutError(`Upgrade to ${this.factory.name}: no 3probe within ${deadlineMs} ms`)), deadlineMs);
    this.transport.open();
  }

  onOpen(): void {
    this.transport.send([{ type: "ping", data: "probe" }]);
  }

  onPacket(p: EnginePacket): void {
    if (p.type !== "pong" || p.data !== "probe") {
      const got = `${p.type}${typeof p.data === "string" ? ` "${p.data.slice(0, 20)}"` : ""}`;
      return this._fail(new TransportError(`Upgrade to ${this.factory.name} failed: expected 3probe, got ${got}`, this.factory.name));
    }
    if (this.pausing) return; // a duplicate 3probe
    clearTimeout(this._timer);
    this.pausing = true;
    const old = this._host.transport!;
    const swap = () => this._host._switch(this);
    if (old.pause) old.pause(swap);
    else swap();
  }

  onClose(reason: string, error?: Error): void {
    this._fail(new TransportError(`Upgrade to ${this.factory.name} failed: ${reason}`, this.factory.name, { cause: error }));
  }

  /** Drop the candidate: its timer and the transport itself. */
  cancel(): void {
    clearTimeout(this._timer);
    this.transport.close();
  }

  private _fail(error: Error): void {
    this.cancel();
    this._host._upgradeFailed(this, error);
  }
}

// A tiny stand-in for the Engine.IO session in transport tests: records what the transport reports through
// its sink, builds the TransportContext, and waits for conditions with bounded deadlines (no sleeps).
// Shared by the @omnio/polling and @omnio/websocket tests.
import type { EnginePacket, TransportContext, TransportSink } from "@omnio/client";

export type SinkEvent =
  | { kind: "open" }
  | { kind: "packet"; packet: EnginePacket }
  | { kind: "drain" }
  | { kind: "close"; reason: string; error?: Error };

export class Driver implements TransportSink {
  readonly events: SinkEvent[] = [];
  sid: string | undefined;
  query: Record<string, string> = {};
  /** Called after each packet is recorded: lets a test play the session (answer pings, probe replies…). */
  react: ((packet: EnginePacket) => void) | undefined;
  private waiters = new Set<() => void>();

  constructor(
    readonly base: string,
    private readonly overrides: Partial<TransportContext> = {},
  ) {}

  context(): TransportContext {
    return {
      base: this.base,
      query: () => ({ EIO: "4", ...(this.sid ? { sid: this.sid } : {}), ...this.query }),
      withCredentials: false,
      maxPayload: () => 1e6,
      global: globalThis,
      sink: this,
      ...this.overrides,
    };
  }

  onOpen(): void {
    this.record({ kind: "open" });
  }
  onPacket(packet: EnginePacket): void {
    // Like the session: learn the sid from the open packet.
    if (packet.type === "open" && typeof packet.data === "string") this.sid = (JSON.parse(packet.data) as { sid: string }).sid;
    this.record({ kind: "packet", packet });
    this.react?.(packet);
  }
  onDrain(): void {
    this.record({ kind: "drain" });
  }
  onClose(reason: string, error?: Error): void {
    this.record(error ? { kind: "close", reason, error } : { kind: "close", reason });
  }

  get packets(): EnginePacket[] {
    return this.events.flatMap((e) => (e.kind === "packet" ? [e.packet] : []));
  }
  get closed(): Extract<SinkEvent, { kind: "close" }> | undefined {
    return this.events.find((e): e is Extract<SinkEvent, { kind: "close" }> => e.kind === "close");
  }
  count(kind: SinkEvent["kind"]): number {
    return this.events.filter((e) => e.kind === kind).length;
  }

  /** Resolves once `test()` holds (checked after every sink call); rejects after `ms`. */
  until(test: () => boolean, label: string, ms = 5000): Promise<void> {
    return waitUntil(test, label, ms, this.waiters);
  }

  private record(event: SinkEvent): void {
    this.events.push(event);
    for (const wake of [...this.waiters]) wake();
  }
}

/**
 * Bounded wait on a condition re-checked whenever `wakers` fire (and once now). Callers that have no
 * event to hook pass their own set and wake it when something changes.
 */
export function waitUntil(test: () => boolean, label: string, ms: number, wakers: Set<() => void>): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (!test()) return;
      done();
      resolve();
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${ms} ms waiting for ${label}`));
    }, ms);
    const done = (): void => {
      clearTimeout(timer);
      wakers.delete(check);
    };
    wakers.add(check);
    check();
  });
}

/** A one-shot signal for fake servers: `wait()` resolves when `fire()` is called. */
export function deferred<T = void>(): { promise: Promise<T>; fire: (value: T) => void } {
  let fire!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (fire = resolve));
  return { promise, fire };
}

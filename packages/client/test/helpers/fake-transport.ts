// A controllable transport for unit tests of the session, Manager and Socket: records what is sent, lets the
// test play the server (deliver packets, answer probes, fail, pause), and can auto-play a socket.io server.
import type { EnginePacket, Transport, TransportContext, TransportFactory, TransportName, TransportTraits } from "../../src/index.js";

export interface FakeTransport extends Transport {
  readonly ctx: TransportContext;
  /** Query at creation (sid present for upgrade candidates). */
  readonly query: Record<string, string>;
  /** Every batch handed to send(). */
  readonly sent: EnginePacket[][];
  opened: boolean;
  closed: boolean;
  writable: boolean;
  /** Set by pause(): call it to finish pausing. */
  pausedCb: (() => void) | undefined;
  /** Hold writes after each send until drain() (a POST in flight). */
  holdWrites: boolean;
  drain(): void;
  deliver(packet: EnginePacket): void;
  handshake(overrides?: Partial<{ sid: string; upgrades: string[]; pingInterval: number; pingTimeout: number; maxPayload: number }>): void;
  fail(message?: string): void;
  /** Message payloads sent so far (flattened). */
  messages(): Array<EnginePacket["data"]>;
}

export interface FakeFactory extends TransportFactory {
  readonly instances: FakeTransport[];
  supported: boolean;
  /** Called on each open(), for auto-play. */
  onOpen?: (t: FakeTransport) => void;
  /** Called after each send(), for auto-play. */
  onSend?: (t: FakeTransport, packets: EnginePacket[]) => void;
}

export const DUPLEX: TransportTraits = { duplex: true, streaming: false, binary: true, crossOrigin: "none", handshake: true };
export const POLLING: TransportTraits = { duplex: false, streaming: false, binary: false, crossOrigin: "cors", handshake: true };

export function fakeFactory(name: TransportName, traits: TransportTraits, withPause = !traits.duplex): FakeFactory {
  const factory: FakeFactory = {
    name,
    traits,
    instances: [],
    supported: true,
    probe: () => ({ supported: factory.supported, reason: factory.supported ? "fake: supported" : "fake: unsupported" }),
    create(ctx) {
      const t: FakeTransport = {
        name,
        ctx,
        query: ctx.query(),
        sent: [],
        opened: false,
        closed: false,
        writable: false,
        pausedCb: undefined,
        holdWrites: false,
        open() {
          t.opened = true;
          factory.onOpen?.(t);
        },
        send(packets) {
          if (t.closed) throw new Error("send after close");
          if (!t.writable) throw new Error("send while not writable");
          t.sent.push(packets);
          if (t.holdWrites) t.writable = false;
          factory.onSend?.(t, packets);
        },
        close() {
          t.closed = true;
          t.writable = false;
        },
        drain() {
          t.writable = true;
          ctx.sink.onDrain();
        },
        deliver(packet) {
          ctx.sink.onPacket(packet);
        },
        handshake(o = {}) {
          t.writable = true;
          ctx.sink.onOpen();
          const hs = { sid: "sid1", upgrades: [], pingInterval: 25000, pingTimeout: 20000, maxPayload: 1e6, ...o };
          ctx.sink.onPacket({ type: "open", data: JSON.stringify(hs) });
        },
        fail(message = "boom") {
          t.closed = true;
          ctx.sink.onClose("transport error", new Error(message));
        },
        messages: () => t.sent.flat().filter((p) => p.type === "message").map((p) => p.data),
      };
      if (withPause) {
        t.pause = (cb) => {
          t.pausedCb = cb;
        };
      }
      factory.instances.push(t);
      return t;
    },
  };
  return factory;
}

/**
 * Make `factory` behave as a socket.io server would, asynchronously (next microtask): handshake on open,
 * answer each namespace CONNECT with `0<nsp>,{"sid":…}` (or CONNECT_ERROR for namespaces in `reject`),
 * and record the Socket.IO text frames it receives.
 */
export function autoServer(factory: FakeFactory, opts: { reject?: Record<string, unknown>; handshake?: Parameters<FakeTransport["handshake"]>[0] } = {}): {
  frames: string[];
} {
  const frames: string[] = [];
  let n = 0;
  factory.onOpen = (t) => queueMicrotask(() => !t.closed && t.handshake(opts.handshake));
  factory.onSend = (t, packets) => {
    for (const p of packets) {
      if (p.type !== "message" || typeof p.data !== "string") continue;
      frames.push(p.data);
      const m = /^0(\/[^,]*)?,?/.exec(p.data);
      if (!m) continue;
      const nsp = m[1] ?? "/";
      const prefix = nsp === "/" ? "" : nsp + ",";
      const rejected = opts.reject?.[nsp];
      const reply = rejected !== undefined ? `4${prefix}${JSON.stringify(rejected)}` : `0${prefix}{"sid":"s${++n}"}`;
      queueMicrotask(() => !t.closed && t.deliver({ type: "message", data: reply }));
    }
  };
  return { frames };
}

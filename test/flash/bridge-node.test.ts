// @omnio/flash-bridge's JS half end to end in Node: a bridge that behaves as bridge.swf does (policy file over a
// real TCP connection first, then a real WebSocket) drives the omnio client against the real @omnio/server's
// flashsocket transport: events, acks, base64 binary, bursts, hostile strings, close, reconnect, failures.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { connect, TimeoutError, TransportError, type Socket } from "@omnio/client";
import { Server, type ServerOptions } from "@omnio/server";
import { flashBridge } from "@omnio/flash-bridge";
import { NodeBridge } from "../../packages/flash-bridge/test/node-bridge.js";
import { until, waitFor, withDeadline } from "../helpers/wait.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
  // Every test's sockets are closed: the bridge host let go of its global callbacks.
  await until(() => (globalThis as Record<string, unknown>).__omnioFlash === undefined, 5000, "window.__omnioFlash to be removed");
});

const g = globalThis as unknown as Record<string, unknown>;

async function start(options: ServerOptions = {}) {
  const http: HttpServer = createServer();
  const io = new Server(http, { flashPolicyPort: 0, ...options });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  cleanup.push(() => io.close());
  const port = (http.address() as AddressInfo).port;
  if (options.flashPolicyPort !== false) await until(() => !!io.engine.flash?.policyAddress(), 5000, "the policy port to listen");
  return { io, url: `http://127.0.0.1:${port}`, port, policyPort: io.engine.flash?.policyAddress()?.port ?? 0 };
}

/** The socket's first `event`, bounded. */
const next = <T = unknown>(socket: Socket, event: string, ms = 10_000): Promise<T> =>
  waitFor<[T]>(socket as never, event, ms).then((args) => args[0]);

function client(url: string, bridge: NodeBridge, extra: Parameters<typeof flashBridge>[0] = {}, reconnection = false): Socket {
  const socket = connect(url, { transports: [flashBridge({ bridge, ...extra })], reconnection, reconnectionDelay: 100, forceNew: true });
  cleanup.push(() => socket.disconnect());
  return socket;
}

describe("flashsocket through a Node bridge against @omnio/server", () => {
  it("fetches the policy from the dedicated port first, then connects; events and acks both ways, binary as base64", async () => {
    const { io, url, port, policyPort } = await start();
    io.on("connection", (s) => {
      s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
      s.on("ask", async (ack: (v: unknown) => void) => ack(await s.timeout(5000).emitWithAck("question", "why?")));
      s.emit("hello", "from server", Buffer.from([0, 1, 2, 254, 255]));
    });
    const bridge = new NodeBridge();
    // A handed-in bridge is told where its policy is by whoever made it (no option: Ruffle ignores policy files).
    bridge.loadManualPolicyFile(`xmlsocket://127.0.0.1:${policyPort}`);
    const socket = client(url, bridge);
    const hello = waitFor<[string, ArrayBuffer]>(socket as never, "hello", 10_000);
    await next(socket, "connect");
    expect(socket.io.transport).toBe("flashsocket");
    expect(bridge.calls.slice(0, 3).map((c) => c[0])).toEqual(["loadManualPolicyFile", "setCallerUrl", "create"]);
    expect(bridge.policyChecks).toHaveLength(1);
    expect(bridge.policyChecks[0]).toMatchObject({ port: policyPort, granted: true });
    expect(bridge.policyChecks[0]!.policy).toBe(
      `<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="*" to-ports="${port}"/></cross-domain-policy>\0`,
    );
    const [text, bytes] = await hello;
    expect(text).toBe("from server");
    expect(new Uint8Array(bytes)).toEqual(new Uint8Array([0, 1, 2, 254, 255]));
    expect(await socket.timeout(5000).emitWithAck("echo", { a: "é😀" })).toEqual({ a: "é😀" });
    const echoed = await socket.timeout(5000).emitWithAck("echo", new Uint8Array([9, 8, 7]));
    expect(new Uint8Array(echoed as ArrayBuffer)).toEqual(new Uint8Array([9, 8, 7]));
    socket.on("question", (q: string, ack: (v: string) => void) => ack(`answer to ${q}`));
    expect(await socket.timeout(5000).emitWithAck("ask")).toBe("answer to why?");
    // The server never sent a binary frame: bridge.swf would have closed with 1003.
    expect(bridge.binaryFramesReceived).toBe(0);
  });

  it("takes the policy inline from the HTTP port by default (what Flash asks when nothing else is set)", async () => {
    const { url, port } = await start({ flashPolicyPort: false });
    const bridge = new NodeBridge();
    const socket = client(url, bridge);
    await next(socket, "connect");
    expect(bridge.policyChecks).toEqual([expect.objectContaining({ port, granted: true })]);
  });

  it("delivers a 200-event burst in order and UTF-8 / hostile strings byte-exact", async () => {
    const { io, url } = await start();
    const hostile = ["é日😀", "\u2028\u2029", "%41%zz%", "+&=?#", "\0\x01\x1e", "</script><!--", "\\\"'", "a".repeat(70_000), "\uFEFF"];
    io.on("connection", (s) => {
      s.on("burst", (n: number) => {
        for (let i = 0; i < n; i++) s.emit("n", i);
      });
      s.on("echo", (v: unknown, ack: (v: unknown) => void) => ack(v));
    });
    const bridge = new NodeBridge();
    const socket = client(url, bridge);
    await next(socket, "connect");
    const got: number[] = [];
    socket.on("n", (i: number) => got.push(i));
    socket.emit("burst", 200);
    await until(() => got.length === 200, 10_000, "200 events");
    expect(got).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(await socket.timeout(5000).emitWithAck("echo", hostile)).toEqual(hostile);
    // JSON escapes a lone surrogate, so it crosses the text-only bridge intact.
    expect(await socket.timeout(5000).emitWithAck("echo", "x\uD800y")).toBe("x\uD800y");
  });

  it("closes on disconnect() and removes its global callbacks; a server-side close reconnects on flashsocket", async () => {
    const { io, url } = await start();
    const bridge = new NodeBridge();
    const socket = client(url, bridge, {}, true);
    await next(socket, "connect");
    expect(typeof g.__omnioFlash).toBe("object");
    const reason = next<string>(socket, "disconnect");
    // The server ends the Engine.IO session (as on shutdown): the client reconnects.
    for (const conn of io.engine.clients.values()) conn.close();
    expect(await reason).toBe("transport close");
    await next(socket, "connect", 15_000);
    expect(socket.io.transport).toBe("flashsocket");
    const creates = bridge.calls.filter((c) => c[0] === "create").map((c) => c[1]);
    expect(creates).toHaveLength(2);
    socket.disconnect();
    await until(() => bridge.calls.some((c) => c[0] === "close" && c[1] === creates[1]), 5000, "close(id) on the bridge");
    expect(g.__omnioFlash).toBeUndefined();
    await until(() => bridge.sockets.size === 0, 5000, "the bridge's WebSocket to close");
  });

  it("disconnect() then at once a new session on the same bridge: the new one gets the name once the old let go", async () => {
    const { url } = await start();
    const bridge = new NodeBridge();
    const first = client(url, bridge);
    await next(first, "connect");
    // The old session still writes its DISCONNECT and close packets (microtasks) while the new one opens.
    first.disconnect();
    const second = client(url, bridge);
    await next(second, "connect");
    expect(second.io.transport).toBe("flashsocket");
    const creates = bridge.calls.filter((c) => c[0] === "create").map((c) => c[1]);
    expect(creates).toHaveLength(2);
    expect(creates[1]).not.toBe(creates[0]);
  });

  it("fails with a TransportError when the policy does not grant the port", async () => {
    const { url } = await start({ cors: { origin: "http://elsewhere.example" } });
    const bridge = new NodeBridge();
    const socket = client(url, bridge);
    const error = await next<Error>(socket, "connect_error");
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toMatch(/flashsocket/);
    expect(bridge.policyChecks[0]?.granted).toBe(false);
    expect(bridge.policyChecks[0]?.policy).toContain('domain="elsewhere.example"');
  });

  it("with ready: false, queues calls until __onFlashInitialized, then runs them in order", async () => {
    const { url } = await start();
    const bridge = new NodeBridge();
    const socket = client(url, bridge, { ready: false });
    await until(() => typeof g.__omnioFlash === "object", 5000, "callbacks to be installed");
    // Nothing reaches the bridge before it initialized.
    await new Promise((r) => setImmediate(r));
    expect(bridge.calls).toEqual([]);
    bridge.initialize();
    await next(socket, "connect");
    expect(bridge.calls.slice(0, 2).map((c) => c[0])).toEqual(["setCallerUrl", "create"]);
  });

  it("a bridge that never initializes: the session's connect deadline gives up on it, and its callbacks go", async () => {
    const { url } = await start();
    const bridge = new NodeBridge();
    // (No deadline of the transport's own: the session gives each attempt one, startupMs included.)
    const socket = connect(url, { transports: [flashBridge({ bridge, ready: false })], reconnection: false, forceNew: true, timeout: 300 });
    cleanup.push(() => socket.disconnect());
    const error = await withDeadline(next<Error>(socket, "connect_error"), 10_000, "connect_error");
    expect(error).toBeInstanceOf(TimeoutError);
    expect(bridge.calls).toEqual([]);
    await until(() => g.__omnioFlash === undefined, 5000, "callbacks to be removed");
  });
});

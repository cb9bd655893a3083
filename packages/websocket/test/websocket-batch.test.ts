// The websocket transport's write path with a fake WebSocket class: a batch is corked on Node `ws`'s underlying
// socket; drain comes on a microtask (not a timer), once per batch, and never after close().
import { describe, expect, it } from "vitest";
import type { TransportContext } from "@omnio/client";
import { websocket, type WebSocketConstructor } from "@omnio/websocket";
import { Driver } from "../../polling/test/driver.js";

class FakeWebSocket {
  static last: FakeWebSocket | undefined;
  binaryType = "";
  bufferedAmount = 0;
  onopen: ((event: never) => void) | null = null;
  onmessage: ((event: never) => void) | null = null;
  onclose: ((event: never) => void) | null = null;
  onerror: ((event: never) => void) | null = null;
  sent: unknown[] = [];
  calls: string[] = [];
  /** What `ws` exposes: its net.Socket. */
  _socket = { cork: () => this.calls.push("cork"), uncork: () => this.calls.push("uncork") };
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  send(data: unknown): void {
    this.sent.push(data);
    this.calls.push("send");
  }
  close(): void {
    this.calls.push("close");
  }
}

function openTransport() {
  const driver = new Driver("http://127.0.0.1:1/socket.io/");
  const transport = websocket({ WebSocket: FakeWebSocket as unknown as WebSocketConstructor }).create(driver.context() as TransportContext);
  transport.open();
  const ws = FakeWebSocket.last!;
  (ws.onopen as unknown as () => void)();
  return { driver, transport, ws };
}

describe("websocket write path", () => {
  it("corks around a batch", () => {
    const { transport, ws } = openTransport();
    transport.send([{ type: "message", data: "a" }, { type: "message", data: "b" }]);
    expect(ws.calls).toEqual(["cork", "send", "send", "uncork"]);
    expect(ws.sent).toEqual(["4a", "4b"]);
    transport.close();
  });

  it("drains on a microtask: after send() returns, before any timer, once for several sends, never after close()", async () => {
    const { driver, transport } = openTransport();
    transport.send([{ type: "message", data: "a" }]);
    expect(driver.count("drain")).toBe(0);
    const timer = new Promise<number>((resolve) => setTimeout(() => resolve(driver.count("drain")), 0));
    await Promise.resolve();
    expect(driver.count("drain")).toBe(1);
    expect(await timer).toBe(1);
    expect(transport.writable).toBe(true);

    transport.send([{ type: "message", data: "b" }]);
    transport.send([{ type: "message", data: "c" }]);
    await Promise.resolve();
    await Promise.resolve();
    expect(driver.count("drain")).toBe(2);

    transport.send([{ type: "message", data: "d" }]);
    transport.close();
    await Promise.resolve();
    expect(driver.count("drain")).toBe(2);
    expect(driver.closed).toBeUndefined();
  });
});

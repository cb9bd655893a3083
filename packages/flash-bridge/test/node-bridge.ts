// A bridge in Node that behaves as bridge.swf does under Flash Player: for each create() it first fetches the
// policy file over a real TCP connection (`<policy-file-request/>\0`) and checks that it grants the target port,
// then opens a real WebSocket (`ws`) with the caller's Origin, queues web-socket-js events (messages URI-encoded),
// calls `<jsObject>.__onFlashEvent()` once per batch and hands the batch out from receiveEvents().
import { connect as tcpConnect } from "node:net";
import { WebSocket } from "ws";
import type { FlashBridge, FlashBridgeCallbacks, FlashBridgeEvent } from "../src/index.js";

export interface PolicyCheck {
  port: number;
  policy: string;
  granted: boolean;
}

export interface NodeBridgeOptions {
  /** Where the policy is fetched (Flash: 843, the target port, or a loaded policy URL's port). Default: the target port. */
  policyPort?: number;
  jsObject?: string;
  global?: typeof globalThis;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;

export class NodeBridge implements FlashBridge {
  /** Every surface call, in order (method name and first argument). */
  readonly calls: Array<[string, unknown]> = [];
  readonly policyChecks: PolicyCheck[] = [];
  readonly sockets = new Map<number, WebSocket>();
  /** Binary frames the server sent (the flashsocket endpoint must never send one). */
  binaryFramesReceived = 0;
  /** __onFlashEvent calls that did not return true. */
  refusedNotifications = 0;
  callerUrl = "http://127.0.0.1/";
  private queue: FlashBridgeEvent[] = [];
  private notifyPending = false;

  constructor(private readonly options: NodeBridgeOptions = {}) {}

  private get callbacks(): FlashBridgeCallbacks | undefined {
    const g = (this.options.global ?? globalThis) as unknown as Record<string, FlashBridgeCallbacks | undefined>;
    return g[this.options.jsObject ?? "__omnioFlash"];
  }

  /** What the SWF does when its main() ran. */
  initialize(): void {
    this.callbacks?.__onFlashInitialized();
  }

  setCallerUrl(url: string): void {
    this.calls.push(["setCallerUrl", url]);
    if (url) this.callerUrl = url; // Node has no page: keep the default
  }

  setDebug(on: boolean): void {
    this.calls.push(["setDebug", on]);
  }

  loadManualPolicyFile(url: string): void {
    this.calls.push(["loadManualPolicyFile", url]);
    const m = /^xmlsocket:\/\/[^:]+:(\d+)$/.exec(url);
    if (m) this.options.policyPort = Number(m[1]);
  }

  create(id: number, url: string, protocols: string[], _proxyHost: string | null, _proxyPort: number, headers: string | null): void {
    this.calls.push(["create", id]);
    const target = new URL(url);
    const port = Number(target.port) || 80;
    const policyPort = this.options.policyPort ?? port;
    void fetchPolicy(target.hostname, policyPort).then(
      (policy) => {
        const granted = grants(policy, new URL(this.callerUrl).hostname, port);
        this.policyChecks.push({ port: policyPort, policy, granted });
        if (!granted) return this.fail(id, `policy from port ${policyPort} does not grant port ${port}`);
        this.open(id, url, protocols, headers);
      },
      (error: Error) => this.fail(id, `no policy from port ${policyPort}: ${error.message}`),
    );
  }

  send(id: number, data: string): number {
    this.calls.push(["send", id]);
    const ws = this.sockets.get(id);
    let text: string;
    try {
      text = decodeURIComponent(data);
    } catch {
      return 0;
    }
    if (!ws || ws.readyState !== OPEN) return Buffer.byteLength(text);
    ws.send(text);
    return -1;
  }

  close(id: number): void {
    this.calls.push(["close", id]);
    const ws = this.sockets.get(id);
    if (!ws) return;
    if (ws.readyState === CONNECTING) ws.terminate();
    else ws.close(1000);
  }

  receiveEvents(): FlashBridgeEvent[] {
    const events = this.queue;
    this.queue = [];
    this.notifyPending = false;
    return events;
  }

  /** Drop every connection at once (the page went away). */
  destroy(): void {
    for (const ws of this.sockets.values()) ws.terminate();
  }

  private open(id: number, url: string, protocols: string[], headers: string | null): void {
    const extra: Record<string, string> = {};
    for (const line of (headers ?? "").split("\r\n")) {
      const at = line.indexOf(":");
      if (at > 0) extra[line.slice(0, at)] = line.slice(at + 1).trim();
    }
    const ws = new WebSocket(url, protocols, { origin: new URL(this.callerUrl).origin, headers: extra });
    this.sockets.set(id, ws);
    ws.on("open", () => this.dispatch({ type: "open", webSocketId: id, readyState: OPEN, protocol: ws.protocol }));
    ws.on("message", (data, isBinary) => {
      if (isBinary) {
        // What bridge.swf does with a binary frame: error, then close 1003.
        this.binaryFramesReceived++;
        this.dispatch({ type: "error", webSocketId: id, readyState: CLOSED });
        ws.close(1003);
        return;
      }
      this.dispatch({ type: "message", webSocketId: id, readyState: OPEN, message: encodeURIComponent(data.toString()) });
    });
    ws.on("error", () => this.dispatch({ type: "error", webSocketId: id, readyState: CLOSED }));
    ws.on("close", (code, reason) => {
      this.sockets.delete(id);
      this.dispatch({ type: "close", webSocketId: id, readyState: CLOSED, code, reason: reason.toString(), wasClean: code !== 1006 });
    });
  }

  private fail(id: number, why: string): void {
    this.dispatch({ type: "error", webSocketId: id, readyState: CLOSED });
    this.dispatch({ type: "close", webSocketId: id, readyState: CLOSED, code: 1006, reason: why, wasClean: false });
  }

  private dispatch(event: FlashBridgeEvent): void {
    this.queue.push(event);
    if (this.notifyPending) return;
    this.notifyPending = true;
    if (this.callbacks?.__onFlashEvent() !== true) {
      this.refusedNotifications++;
      this.notifyPending = false;
    }
  }
}

/** The policy file from host:port over TCP, up to its NUL (5 s bound). */
export function fetchPolicy(host: string, port: number, request = "<policy-file-request/>\0"): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, host);
    let text = "";
    const timer = setTimeout(() => (socket.destroy(), reject(new Error("policy: no answer within 5000 ms"))), 5000);
    socket.on("connect", () => socket.write(request));
    socket.on("data", (chunk) => (text += chunk.toString("utf8")));
    socket.on("error", (error) => (clearTimeout(timer), reject(error)));
    socket.on("close", () => {
      clearTimeout(timer);
      text.endsWith("\0") ? resolve(text) : reject(new Error(`policy: connection closed after ${JSON.stringify(text.slice(0, 80))}`));
    });
  });
}

/** Does `policy` let a SWF from `domain` connect to `port`? (Flash's rules, for the attributes the server writes.) */
export function grants(policy: string, domain: string, port: number): boolean {
  for (const m of policy.matchAll(/<allow-access-from domain="([^"]*)" to-ports="([^"]*)"\/>/g)) {
    const d = m[1]!;
    const domainOk = d === "*" || d === domain || (d.startsWith("*.") && domain.endsWith(d.slice(1)));
    const portOk = m[2]!.split(",").some((p) => {
      if (p === "*") return true;
      const [a, b] = p.split("-").map(Number);
      return b === undefined ? a === port : port >= a! && port <= b;
    });
    if (domainOk && portOk) return true;
  }
  return false;
}

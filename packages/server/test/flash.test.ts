// The server's Flash support over raw TCP and real WebSockets: the policy file on the dedicated port and inline
// on the HTTP port (exact document, malformed and slow clients, 100 at once), bridge.swf, and the Ruffle socket
// proxy that only ever reaches this server.
import { createServer, type Server as HttpServer } from "node:http";
import { connect as tcpConnect, type AddressInfo } from "node:net";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { WebSocket } from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { policyDocument, policyDomains, Server, type ServerOptions } from "../src/index.js";
import { recordingLogger } from "./helpers.js";

const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

const REQUEST = "<policy-file-request/>\0";

async function start(options: ServerOptions = {}) {
  const http: HttpServer = createServer((_req, res) => res.end("app"));
  const logger = recordingLogger();
  const io = new Server(http, { flashPolicyPort: 0, logger, ...options });
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  cleanup.push(() => io.close());
  const port = (http.address() as AddressInfo).port;
  const deadline = Date.now() + 5000;
  while (options.flashPolicyPort !== false && !io.engine.flash?.policyAddress()) {
    if (Date.now() > deadline) throw new Error("policy port not listening within 5000 ms");
    await new Promise((r) => setTimeout(r, 10));
  }
  return { io, http, port, logger, policyPort: io.engine.flash?.policyAddress()?.port ?? 0 };
}

/** Writes `chunks` (with `gapMs` between them) and resolves with everything received until the server closes. */
function rawExchange(port: number, chunks: string[], gapMs = 0, ms = 10_000): Promise<{ text: string; closedAfterMs: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const socket = tcpConnect(port, "127.0.0.1");
    let text = "";
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no close within ${ms} ms (got ${JSON.stringify(text)})`))), ms);
    socket.on("data", (d) => (text += d.toString("utf8")));
    socket.on("error", () => {});
    socket.on("close", () => (clearTimeout(timer), resolve({ text, closedAfterMs: Date.now() - t0 })));
    socket.on("connect", async () => {
      for (const c of chunks) {
        if (socket.destroyed) return;
        socket.write(c);
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

const expectedPolicy = (port: number, domain = "*") =>
  `<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="${domain}" to-ports="${port}"/></cross-domain-policy>\0`;

describe("Flash policy file", () => {
  it("is served on the dedicated port and inline on the HTTP port, NUL-terminated, granting the HTTP port", async () => {
    const { port, policyPort } = await start();
    expect(policyPort).toBeGreaterThan(0);
    expect((await rawExchange(policyPort, [REQUEST])).text).toBe(expectedPolicy(port));
    expect((await rawExchange(port, [REQUEST])).text).toBe(expectedPolicy(port));
    // Plain HTTP on the same port is untouched.
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).toBe("app");
  });

  it("builds the grant from the cors option; a RegExp cannot be expressed and grants nothing", async () => {
    const { port } = await start({ cors: { origin: ["https://app.example.com:8443", "http://other.example"] }, flashPolicyPort: false });
    expect((await rawExchange(port, [REQUEST])).text).toBe(
      `<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="app.example.com" to-ports="${port}"/>` +
        `<allow-access-from domain="other.example" to-ports="${port}"/></cross-domain-policy>\0`,
    );
    expect(policyDomains({ origin: /example/ })).toEqual({ domains: [], unexpressible: true });
    expect(policyDomains({ origin: false }).domains).toEqual([]);
    expect(policyDomains(undefined).domains).toEqual(["*"]);
  });

  it("served from a port ≥ 1024 grants only ports ≥ 1024", () => {
    expect(policyDocument({ domains: ["*"], ports: [80, 8080] }, 10843)).toBe(
      '<?xml version="1.0"?><cross-domain-policy><allow-access-from domain="*" to-ports="8080"/></cross-domain-policy>\0',
    );
    expect(policyDocument({ domains: ["*"], ports: [80] }, 10843)).toBe('<?xml version="1.0"?><cross-domain-policy></cross-domain-policy>\0');
    expect(policyDocument({ domains: ["*"], ports: [80, 8080] }, 843)).toContain('to-ports="80,8080"');
    expect(policyDocument({ domains: ['a"b<c'], ports: [2000] }, 843)).toContain('domain="a&#34;b&#60;c"');
  });

  it("drops malformed requests without a policy, on both ports, and HTTP garbage still gets a 400", async () => {
    const { port, policyPort } = await start();
    for (const p of [policyPort, port]) {
      const bad = await rawExchange(p, ["<policy-file-request/X\0"]);
      expect(bad.text).toBe("");
      expect((await rawExchange(p, ["<poli", "cy-file-requesX"])).text).toBe("");
    }
    expect((await rawExchange(policyPort, ["GET / HTTP/1.1\r\n\r\n"])).text).toBe("");
    expect((await rawExchange(port, ["\x01\x02 nonsense\r\n\r\n"])).text).toMatch(/^HTTP\/1\.1 400 Bad Request/);
  });

  it("answers a slow client sending one byte at a time, and drops one that stalls mid-request", async () => {
    const { port, policyPort } = await start();
    for (const p of [policyPort, port]) {
      const slow = await rawExchange(p, [...REQUEST], 15);
      expect(slow.text).toBe(expectedPolicy(port));
      const stalled = await rawExchange(p, ["<policy-file"], 0, 15_000);
      expect(stalled.text).toBe("");
      expect(stalled.closedAfterMs).toBeGreaterThanOrEqual(4000); // the 5 s request timeout, not at once
    }
  }, 40_000);

  it("serves 100 concurrent requests on each port", async () => {
    const { port, policyPort } = await start();
    for (const p of [policyPort, port]) {
      const answers = await Promise.all(Array.from({ length: 100 }, () => rawExchange(p, [REQUEST], 0, 20_000)));
      expect(answers.every((a) => a.text === expectedPolicy(port))).toBe(true);
    }
  }, 40_000);

  it("flashPolicyPort: false opens no dedicated port; a port in use is logged, not thrown", async () => {
    const { io } = await start({ flashPolicyPort: false });
    expect(io.engine.flash?.policyAddress()).toBeNull();
    const first = await start();
    const http = createServer();
    const logger = recordingLogger();
    const second = new Server(http, { flashPolicyPort: first.policyPort, logger });
    cleanup.push(() => second.close());
    await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
    const deadline = Date.now() + 5000;
    while (!logger.warnings().some((w) => w.includes(`cannot listen on port ${first.policyPort}`))) {
      if (Date.now() > deadline) throw new Error("no warning about the port in use within 5000 ms");
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(second.engine.flash?.policyAddress()).toBeNull();
  });
});

describe("bridge.swf and the socket proxy", () => {
  it("serves bridge.swf as application/x-shockwave-flash", async () => {
    const { port } = await start({ flashPolicyPort: false });
    const res = await fetch(`http://127.0.0.1:${port}/socket.io/flash/bridge.swf`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/x-shockwave-flash");
    const file = await readFile(fileURLToPath(new URL("../../flash-bridge/bridge.swf", import.meta.url)));
    expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
  });

  /** Opens the proxy, writes `bytes` as one binary frame, resolves with what comes back until the proxy closes. */
  function throughProxy(url: string, bytes: string, text = false): Promise<string> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      let got = "";
      const timer = setTimeout(() => (ws.terminate(), reject(new Error(`proxy: nothing within 10 s (got ${JSON.stringify(got)})`))), 10_000);
      ws.on("open", () => ws.send(text ? bytes : Buffer.from(bytes)));
      ws.on("message", (d, isBinary) => {
        expect(isBinary).toBe(true);
        got += d.toString();
        if (got.includes("\r\n\r\n") && /0\{"sid"/.test(got)) (clearTimeout(timer), ws.close(), resolve(got));
      });
      ws.on("unexpected-response", (_req, res) => (clearTimeout(timer), resolve(`refused ${res.statusCode}`)));
      ws.on("error", (e) => (clearTimeout(timer), reject(e)));
    });
  }

  it("pipes binary frames to this server's own listener (an Engine.IO handshake comes back through it)", async () => {
    const { port } = await start({ flashPolicyPort: false });
    const request = "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    const answer = await throughProxy(`ws://127.0.0.1:${port}/socket.io/flash/proxy`, request);
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK/);
    expect(answer).toMatch(/0\{"sid"/);
    // Its own address named explicitly is fine too.
    expect(await throughProxy(`ws://127.0.0.1:${port}/socket.io/flash/proxy?target=127.0.0.1:${port}`, request)).toMatch(/0\{"sid"/);
  });

  it("refuses any other target named in the request with 403, and never connects there", async () => {
    const { port, logger } = await start({ flashPolicyPort: false });
    const other = createServer();
    let reached = 0;
    other.on("connection", () => reached++);
    await new Promise<void>((ok) => other.listen(0, "127.0.0.1", ok));
    cleanup.push(() => new Promise<void>((ok) => other.close(() => ok())));
    const otherPort = (other.address() as AddressInfo).port;
    const base = `ws://127.0.0.1:${port}/socket.io/flash/proxy`;
    for (const q of [`?port=${otherPort}`, `?host=example.com&port=${port}`, `?target=127.0.0.1:${otherPort}`, "?target=10.0.0.1:80", "?target=junk", `?host=192.168.0.1`]) {
      expect(await throughProxy(base + q, "GET / HTTP/1.1\r\n\r\n")).toBe("refused 403");
    }
    expect(reached).toBe(0);
    expect(logger.warnings().filter((w) => w.startsWith("flash proxy: refused"))).toHaveLength(6);
  });

  it("leaves other upgrades to the engine: a WebSocket outside the path is still rejected", async () => {
    const { port } = await start({ flashPolicyPort: false });
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/elsewhere`);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("opened")));
      ws.on("error", reject);
    });
    expect(status).toBe(400);
  });
});

// The client transport alone against a plain Node HTTP server that writes multipart bodies by hand, chunk by
// chunk: a part is delivered before the stream ends, a cycled stream is reopened at once, and every broken
// answer (cut stream, wrong status or type, no open packet, garbage) becomes one TransportError, never a hang.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { TransportError, type EnginePacket, type TransportContext } from "@omnio/client";
import { XhrMultipartTransport, probeXhrMultipart, xhrMultipart } from "../src/index.js";
import { until as untilWithin } from "../../../test/helpers/wait.js";

const B = "test-boundary";
const part = (payload: string) => `\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${payload}\r\n--${B}`;
const OPEN = '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => void;
const cleanup: Array<() => unknown> = [];
afterEach(async () => {
  for (const undo of cleanup.splice(0).reverse()) await undo();
});

async function serve(handler: Handler): Promise<string> {
  const http = createServer((req, res) => handler(req, res, new URL(req.url ?? "/", "http://x")));
  await new Promise<void>((ok) => http.listen(0, "127.0.0.1", ok));
  cleanup.push(() => new Promise<void>((ok) => (http.closeAllConnections(), http.close(() => ok()))));
  return `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
}

/** A transport with a recording sink; `until` waits on what the sink saw, naming it all on failure. */
function start(base: string, sid?: string) {
  const seen: Array<{ kind: string; packet?: EnginePacket; reason?: string; error?: Error }> = [];
  const note = (e: (typeof seen)[number]) => void seen.push(e);
  let id = sid;
  const context: TransportContext = {
    base,
    query: (): Record<string, string> => (id ? { EIO: "4", sid: id } : { EIO: "4" }),
    withCredentials: false,
    maxPayload: () => 1e6,
    global: globalThis,
    sink: {
      onOpen: () => note({ kind: "open" }),
      onPacket: (packet) => {
        if (packet.type === "open") id = JSON.parse(packet.data as string).sid;
        note({ kind: "packet", packet });
      },
      onDrain: () => note({ kind: "drain" }),
      onClose: (reason, error) => note({ kind: "close", reason, error }),
    },
  };
  const transport = xhrMultipart().create(context) as XhrMultipartTransport;
  cleanup.push(() => transport.close());
  const until = (check: () => boolean, ms = 5000) =>
    untilWithin(check, ms, () => `the awaited sink call (seen ${JSON.stringify(seen.map((s) => s.kind))})`);
  const closed = async () => {
    await until(() => seen.some((s) => s.kind === "close"));
    return seen.find((s) => s.kind === "close")!;
  };
  return { transport, seen, until, closed };
}

describe("XhrMultipartTransport (Node)", () => {
  it("handshakes on the stream, delivers each part before the stream ends, and reopens a cycled stream at once", async () => {
    const gets: URL[] = [];
    let release: (() => void) | undefined;
    const base = await serve((req, res, url) => {
      if (req.method !== "GET") return res.writeHead(404).end();
      gets.push(url);
      res.writeHead(200, { "Content-Type": `multipart/mixed; boundary="${B}"` });
      if (gets.length === 1) {
        // the open packet, then a message, then hold the stream until the test saw the message
        res.write(`--${B}` + part(OPEN) + part("4first").slice(0, 20));
        setTimeout(() => res.write(part("4first").slice(20)), 20);
        release = () => res.end(part("4second") + "--");
      } else res.write(`--${B}` + part("4on the new stream"));
    });
    const t = start(base);
    t.transport.open();
    await t.until(() => t.seen.some((s) => s.packet?.data === "first"));
    expect(t.seen.slice(0, 3).map((s) => s.kind + (s.packet ? ":" + s.packet.type : ""))).toEqual(["open", "packet:open", "packet:message"]);
    expect(gets.length).toBe(1); // still the first stream
    release!();
    await t.until(() => t.seen.some((s) => s.packet?.data === "on the new stream"));
    expect(t.seen.filter((s) => s.kind === "packet").map((s) => s.packet!.data)).toEqual([OPEN.slice(1), "first", "second", "on the new stream"]);
    expect(gets.map((u) => [u.searchParams.get("transport"), u.searchParams.get("sid")])).toEqual([
      ["xhr-multipart", null],
      ["xhr-multipart", "s1"],
    ]);
  });

  it("POSTs as polling, one at a time: writable again on drain", async () => {
    const posts: Array<{ body: string; answer: () => void }> = [];
    let postArrived: (() => void) | undefined;
    const nextPost = (n: number) =>
      new Promise<void>((ok, no) => {
        const timer = setTimeout(() => no(new Error(`POST ${n} not within 5000 ms`)), 5000);
        const check = () => (posts.length >= n ? (clearTimeout(timer), ok()) : (postArrived = check));
        check();
      });
    const base = await serve((req, res) => {
      if (req.method === "GET") {
        res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` });
        return void res.write(`--${B}`);
      }
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        posts.push({ body, answer: () => res.writeHead(200).end("ok") });
        postArrived?.();
      });
    });
    const t = start(base, "s1");
    t.transport.open();
    await t.until(() => t.seen.some((s) => s.kind === "open"));
    const drains = () => t.seen.filter((s) => s.kind === "drain").length;
    t.transport.send([{ type: "message", data: "a" }]);
    expect(t.transport.writable).toBe(false);
    await nextPost(1);
    expect(t.transport.writable).toBe(false); // the POST is in flight
    posts[0]!.answer();
    await t.until(() => drains() === 1);
    expect(t.transport.writable).toBe(true);
    t.transport.send([{ type: "message", data: "b" }, { type: "message", data: new Uint8Array([1, 2]) }]);
    await nextPost(2);
    posts[1]!.answer();
    await t.until(() => drains() === 2);
    expect(posts.map((p) => p.body)).toEqual(["4a", "4b\x1ebAQI="]);
    expect(t.transport.writable).toBe(true);
  });

  const broken: Array<[string, Handler, RegExp]> = [
    ["a stream cut without the closing boundary", (_q, res) => (res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` }), res.end(`--${B}` + part(OPEN))), /no closing boundary/],
    ["HTTP 400 with a JSON error", (_q, res) => res.writeHead(400, { "Content-Type": "application/json" }).end('{"code":0,"message":"Transport unknown"}'), /HTTP 400 \{"code":0,"message":"Transport unknown"\}/],
    ["a body that is not multipart", (_q, res) => res.writeHead(200, { "Content-Type": "text/plain" }).end("0{}"), /no multipart boundary: text\/plain/],
    ["garbage after a boundary", (_q, res) => (res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` }), res.write(`--${B}XX`)), /unexpected "XX" after a boundary/],
    ["an undecodable payload", (_q, res) => (res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` }), res.write(`--${B}` + part("9nope"))), /^Bad Engine.IO packet: unknown type "9"$/],
    ["a dropped connection", (req) => req.socket.destroy(), /Failed to GET/],
  ];
  it.each(broken)("reports %s as one TransportError", async (_name, handler, message) => {
    const base = await serve(handler);
    const t = start(base);
    t.transport.open();
    const close = await t.closed();
    expect(close.error).toBeInstanceOf(TransportError);
    expect(close.error!.message).toMatch(message);
    expect((close.error as TransportError).transport).toBe("xhr-multipart");
    expect(t.seen.filter((s) => s.kind === "close")).toHaveLength(1);
  });

  it("close() aborts the stream, tells the server with a close packet, and reports nothing after", async () => {
    const posts: string[] = [];
    let streamOpened = false;
    let streamClosed = false;
    const base = await serve((req, res) => {
      if (req.method === "GET") {
        res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` });
        res.write(`--${B}`);
        streamOpened = true;
        return void res.on("close", () => (streamClosed = true));
      }
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => (posts.push(body), res.writeHead(200).end("ok")));
    });
    const t = start(base, "s1");
    t.transport.open();
    await t.until(() => t.seen.some((s) => s.kind === "open"));
    await t.until(() => streamOpened);
    expect(streamOpened).toBe(true);
    t.transport.close();
    await untilWithin(() => streamClosed && posts.length > 0, 5000, "the stream closed and the close packet posted");
    expect(streamClosed).toBe(true);
    expect(posts).toEqual(["1"]);
    expect(t.seen.some((s) => s.kind === "close")).toBe(false);
  });
});

describe("XhrMultipartTransport handshake", () => {
  it("a handshake stream that ends without any part fails at once, not at a deadline", async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { "Content-Type": `multipart/mixed; boundary=${B}` });
      res.end(`--${B}--`);
    });
    const t = start(base);
    t.transport.open();
    const closed = await t.closed();
    expect(closed.reason).toBe("transport error");
    expect(closed.error).toBeInstanceOf(TransportError);
    expect(closed.error!.message).toBe("no open packet");
    expect(t.seen.map((s) => s.kind)).toEqual(["close"]);
  });
});

describe("probeXhrMultipart", () => {
  const env = (global: object, crossOrigin = false) => ({ url: new URL("http://h/socket.io/"), crossOrigin, global: global as typeof globalThis });

  it("needs fetch (body streams and TextDecoder come with it), else says why not", () => {
    expect(probeXhrMultipart(env(globalThis))).toEqual({ supported: true, reason: "fetch" });
    expect(probeXhrMultipart(env({ fetch: globalThis.fetch }, true))).toEqual({ supported: true, reason: "fetch" });
    expect(probeXhrMultipart(env({ XMLHttpRequest: class {} }, true))).toEqual({ supported: false, reason: "no fetch" });
    expect(probeXhrMultipart(env({}, true))).toEqual({ supported: false, reason: "no fetch" });
  });

  it("declares streaming, half-duplex, base64, CORS, handshake-capable traits", () => {
    expect(xhrMultipart().traits).toEqual({ duplex: false, streaming: true, binary: false, crossOrigin: "cors", handshake: true });
  });
});

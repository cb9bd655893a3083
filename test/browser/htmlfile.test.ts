// @omnio/iframe (htmlfile, the forever iframe) in real Chromium against @omnio/server: the page loads the BUILT
// ESM (packages/*/dist/index.mjs, through an import map: build with
// `OMNIO_PACKAGES=client,iframe,polling,websocket,server npm run build`). Same-origin (server on the page's own
// http.Server) and cross-origin (page on 127.0.0.1:A, server on localhost:B with `cors` allowing A).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type IncomingMessage } from "node:http";
import type { Page } from "playwright-core";
import { Server, type Socket as ServerSocket } from "@omnio/server";
import type * as ClientLib from "@omnio/client";
import type * as IframeLib from "@omnio/iframe";
import type * as PollingLib from "@omnio/polling";
import { newPage } from "../helpers/browser.js";
import { startStaticServer, type StaticServer } from "../helpers/static-server.js";

const DEADLINE = 20_000;

/** What the page (test/pages/htmlfile.html) exposes. */
interface PageWindow {
  omnio: typeof ClientLib & typeof IframeLib & typeof PollingLib;
  omnioReady?: boolean;
  __injected: unknown[];
  until<T>(predicate: () => T, ms: number, what: string): Promise<T>;
  next(emitter: { on: Function; off: Function }, event: string, ms: number): Promise<unknown[]>;
  leftovers(): { iframes: number; scripts: number; messageListeners: number };
  socket?: ClientLib.Socket;
  got?: unknown[][];
}

/** A Socket.IO server on an http.Server that also serves the repository's files. */
interface Peer {
  site: StaticServer;
  io: Server;
  /** Engine.IO endpoint origin, e.g. http://localhost:1234 */
  url: string;
  sockets: ServerSocket[];
  received: unknown[][];
  /** htmlfile stream GETs whose response is still open. */
  openStreams(): number;
  /** Status codes answered to htmlfile stream GETs. */
  streamStatuses: number[];
  close(): Promise<void>;
}

async function startPeer(host: string, cors?: { origin: string }): Promise<Peer> {
  const http = createServer();
  const site = await startStaticServer({ server: http, host });
  const io = new Server(http, { pingInterval: 5_000, pingTimeout: 10_000, connectTimeout: 10_000, cors });
  const sockets: ServerSocket[] = [];
  const received: unknown[][] = [];
  const open = new Set<IncomingMessage>();
  const streamStatuses: number[] = [];
  http.on("request", (req, res) => {
    if (req.method !== "GET" || !req.url?.includes("transport=htmlfile")) return;
    open.add(req);
    res.on("close", () => open.delete(req));
    res.on("finish", () => streamStatuses.push(res.statusCode));
  });
  io.on("connection", (socket: ServerSocket) => {
    sockets.push(socket);
    socket.emit("hello", "world");
    socket.onAny((...args: unknown[]) => received.push(args.filter((a) => typeof a !== "function")));
    socket.on("echo", (...args: unknown[]) => (args.pop() as (...a: unknown[]) => void)(...args));
    socket.on("burst", (n: number) => {
      for (let i = 0; i < n; i++) socket.emit("seq", i);
    });
    socket.on("big", (size: number) => socket.emit("big", bigString(size)));
    socket.on("bin", (data: Buffer) => socket.emit("bin-back", Buffer.from(data).reverse()));
    socket.on("hostile", (strings: string[]) => socket.emit("hostile", strings));
    socket.on("kick", () => socket.disconnect(true));
    socket.on("drop", () => socket.conn.close());
  });
  return {
    site,
    io,
    url: site.origin,
    sockets,
    received,
    openStreams: () => open.size,
    streamStatuses,
    close: async () => {
      io.close?.();
      await site.close();
    },
  };
}

/** Deterministic text with multi-byte characters, `size` UTF-16 units. */
function bigString(size: number): string {
  const unit = "omnio-é-€-😀-<\/script>-";
  return unit.repeat(Math.ceil(size / unit.length)).slice(0, size - 1) + "!";
}

/** Strings that would break a naive frame: script/comment openers and closers, line separators, quotes, escapes. */
function hostileStrings(): string[] {
  const hook = (tag: string) => `try{parent.__injected.push("${tag}")}catch(e){parent.postMessage({injected:"${tag}"},"*")}`;
  return [
    `</script><script>${hook("a")}</script>`,
    `<!--<script>${hook("b")}</script>-->`,
    `</SCRIPT ><img src=x onerror='${hook("c")}'>`,
    `"+(function(){${hook("d")}})()+"`,
    `\\"+(function(){${hook("e")}})()+"\\`,
    "\u2028\u2029 line separators \u2028",
    `'"\`\\\\\\n\\u003c`,
    "<script>",
    "<!--",
    "-->",
    "]]>&amp;&lt;",
    "\x00\x01\x1e\x1f\n\r\t",
    "4not-a-packet\x1e2probe\x1eb AQID",
    "lone \ud800 high, lone \udc00 low, pair \ud83d\ude00, reversed \ude00\ud83d",
  ];
}

let pageSite: StaticServer;
let pageUrl: string;

async function openPage(): Promise<{ page: Page; errors: Error[]; close(): Promise<void> }> {
  const { context, page, errors } = await newPage();
  await page.goto(pageUrl);
  await page.waitForFunction(() => (window as unknown as PageWindow).omnioReady === true, undefined, { timeout: DEADLINE });
  return { page, errors, close: () => context.close() };
}

/** Connects `window.socket` with the given transports ("htmlfile" alone, or htmlfile then polling). */
async function connectIn(page: Page, url: string, transports: "htmlfile" | "htmlfile+polling" = "htmlfile"): Promise<string | null> {
  return page.evaluate(
    async ({ url, transports, ms }) => {
      const w = window as unknown as PageWindow;
      const { connect, iframe, polling, ranked } = w.omnio;
      const list = transports === "htmlfile" ? [iframe()] : [iframe(), polling()];
      const socket = connect(url, { transports: list, strategy: ranked, forceNew: true, reconnectionDelay: 100, reconnectionDelayMax: 300 });
      w.socket = socket;
      w.got = [];
      socket.onAny((...args: unknown[]) => w.got!.push(args));
      await w.next(socket, "connect", ms);
      return socket.io.transport;
    },
    { url, transports, ms: DEADLINE },
  );
}

beforeAll(async () => {
  pageSite = await startStaticServer();
  pageUrl = `${pageSite.origin}/test/pages/htmlfile.html`;
});
afterAll(async () => {
  await pageSite?.close();
});

describe.each([
  ["same-origin", true],
  ["cross-origin", false],
] as const)("htmlfile forced alone, %s", (_label, sameOrigin) => {
  let peer: Peer;
  beforeAll(async () => {
    if (sameOrigin) {
      // The page's own origin: the server on a second static site would be cross-origin, so serve the page
      // from the peer and point the shared page URL at it for this block.
      peer = await startPeer("127.0.0.1");
      pageUrl = `${peer.url}/test/pages/htmlfile.html`;
    } else {
      pageUrl = `${pageSite.origin}/test/pages/htmlfile.html`;
      peer = await startPeer("localhost", { origin: pageSite.origin });
    }
  });
  afterAll(async () => {
    await peer?.close();
  });

  it("carries events both ways, acks and binary (as base64)", async () => {
    const { page, errors, close } = await openPage();
    try {
      expect(await connectIn(page, peer.url)).toBe("htmlfile");
      const result = await page.evaluate(async (ms) => {
        const w = window as unknown as PageWindow;
        const socket = w.socket!;
        await w.until(() => w.got!.some((e) => e[0] === "hello"), ms, "hello");
        const acked = await socket.timeout(ms).emitWithAck("echo", { hi: [1, 2, { b: null }] });
        const ackArgs = await new Promise((resolve, reject) =>
          socket.timeout(ms).emit("echo", "two", 2, (err: Error | null, ...args: unknown[]) => (err ? reject(err) : resolve(args))),
        );
        const binAck = (await socket.timeout(ms).emitWithAck("echo", new Uint8Array([0, 1, 2, 253, 254, 255]).buffer)) as ArrayBuffer;
        socket.emit("bin", new Uint8Array([1, 2, 3, 4]));
        const [back] = (await w.next(socket, "bin-back", ms)) as [ArrayBuffer];
        return {
          hello: w.got!.find((e) => e[0] === "hello"),
          acked,
          ackArgs,
          binAck: Array.from(new Uint8Array(binAck)),
          back: Array.from(new Uint8Array(back)),
          iframes: document.querySelectorAll("iframe").length,
        };
      }, DEADLINE);
      expect(result.hello).toEqual(["hello", "world"]);
      expect(result.acked).toEqual({ hi: [1, 2, { b: null }] });
      expect(result.ackArgs).toEqual(["two", 2]);
      expect(result.binAck).toEqual([0, 1, 2, 253, 254, 255]);
      expect(result.back).toEqual([4, 3, 2, 1]);
      expect(result.iframes).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("delivers 1,000 events in a burst in order, both ways", async () => {
    const { page, errors, close } = await openPage();
    try {
      await connectIn(page, peer.url);
      const before = peer.received.length;
      const seq = await page.evaluate(async (ms) => {
        const w = window as unknown as PageWindow;
        const socket = w.socket!;
        for (let i = 0; i < 1000; i++) socket.emit("up", i);
        socket.emit("burst", 1000);
        await w.until(() => w.got!.filter((e) => e[0] === "seq").length >= 1000, ms, "1000 seq events");
        return w.got!.filter((e) => e[0] === "seq").map((e) => e[1]);
      }, DEADLINE);
      expect(seq).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      const up = peer.received.slice(before).filter((e) => e[0] === "up").map((e) => e[1]);
      expect(up).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("carries a payload larger than the 128 KiB stream cycle, and keeps working on the next streams", async () => {
    const { page, errors, close } = await openPage();
    try {
      await connectIn(page, peer.url);
      const size = 300_000;
      const result = await page.evaluate(
        async ({ size, ms }) => {
          const w = window as unknown as PageWindow;
          const socket = w.socket!;
          // each stream is a fresh iframe
          const frameBefore = document.querySelector("iframe");
          socket.emit("big", size);
          const [big] = (await w.next(socket, "big", ms)) as [string];
          const up = "€".repeat(size);
          const acked = (await socket.timeout(ms).emitWithAck("echo", up)) as string;
          const again = await socket.timeout(ms).emitWithAck("echo", "after");
          return {
            big,
            upOk: acked === up,
            again,
            freshFrame: document.querySelector("iframe") !== frameBefore,
            iframes: document.querySelectorAll("iframe").length,
          };
        },
        { size, ms: DEADLINE },
      );
      expect(result.big.length).toBe(size);
      expect(result.big).toBe(bigString(size));
      expect(result.upOk).toBe(true);
      expect(result.again).toBe("after");
      // 300 KB down plus an echo of 900 KB (UTF-8): the stream was cycled at least once
      expect(result.freshFrame).toBe(true);
      expect(result.iframes).toBe(1);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("delivers hostile strings exactly (lone surrogates included) and runs none of them", async () => {
    const { page, errors, close } = await openPage();
    try {
      await connectIn(page, peer.url);
      const before = peer.received.length;
      const json = await page.evaluate(
        async ({ json, ms }) => {
          const w = window as unknown as PageWindow;
          const socket = w.socket!;
          const strings = JSON.parse(json) as string[];
          socket.emit("hostile", strings);
          const [back] = (await w.next(socket, "hostile", ms)) as [string[]];
          // Anything injected would have run by now (it would be parsed before the frame that follows it).
          await socket.timeout(ms).emitWithAck("echo", "fence");
          return JSON.stringify({ back, injected: w.__injected });
        },
        { json: JSON.stringify(hostileStrings()), ms: DEADLINE },
      );
      const { back, injected } = JSON.parse(json) as { back: string[]; injected: unknown[] };
      // Lone surrogates survive exactly: both ends JSON-encode them as \udXXX escapes (ASCII on the wire), as
      // socket.io does, so no UTF-8 step ever sees them.
      expect(back).toEqual(hostileStrings());
      expect(peer.received.slice(before).find((e) => e[0] === "hostile")?.[1]).toEqual(hostileStrings());
      expect(injected).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("reports a server-initiated close, and reconnects after the server drops the connection", async () => {
    const { page, errors, close } = await openPage();
    try {
      await connectIn(page, peer.url);
      const result = await page.evaluate(async (ms) => {
        const w = window as unknown as PageWindow;
        let socket = w.socket!;
        // Drop: the server closes the Engine.IO session; the client reconnects on htmlfile.
        const firstId = socket.id;
        const dropped = w.next(socket, "disconnect", ms);
        socket.emit("drop");
        const [dropReason] = await dropped;
        await w.next(socket, "connect", ms);
        const reconnected = { transport: socket.io.transport, newId: socket.id !== firstId };
        const echo = await socket.timeout(ms).emitWithAck("echo", "again");
        // Kick: the server ends the connection on purpose; no reconnection follows.
        const kicked = w.next(socket, "disconnect", ms);
        socket.emit("kick");
        const [kickReason] = await kicked;
        await w.until(() => document.querySelectorAll("iframe").length === 0, ms, "iframe removed");
        return { dropReason, reconnected, echo, kickReason, active: socket.active };
      }, DEADLINE);
      expect(result.dropReason).toBe("transport close");
      expect(result.reconnected).toEqual({ transport: "htmlfile", newId: true });
      expect(result.echo).toBe("again");
      expect(result.kickReason).toBe("io server disconnect");
      expect(result.active).toBe(false);
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("leaves no iframe, script, message listener or pending request behind after close()", async () => {
    const { page, errors, close } = await openPage();
    try {
      const baseline = await page.evaluate(() => (window as unknown as PageWindow).leftovers());
      await connectIn(page, peer.url);
      const during = await page.evaluate(() => (window as unknown as PageWindow).leftovers());
      expect(during.iframes).toBe(1);
      // one listener either way (the same-origin stream calls the element's callback and never posts)
      expect(during.messageListeners).toBe(baseline.messageListeners + 1);
      await waitUntil(() => peer.openStreams() === 1, DEADLINE, "one open stream on the server");
      const after = await page.evaluate(async (ms) => {
        const w = window as unknown as PageWindow;
        w.socket!.disconnect();
        await w.until(() => w.leftovers().iframes === 0, ms, "iframe removed");
        return w.leftovers();
      }, DEADLINE);
      expect(after).toEqual(baseline);
      await waitUntil(() => peer.openStreams() === 0, DEADLINE, "no open stream on the server");
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("upgrades from polling to htmlfile", async () => {
    const { page, errors, close } = await openPage();
    try {
      const result = await page.evaluate(
        async ({ url, ms }) => {
          const w = window as unknown as PageWindow;
          const { connect, iframe, polling, ranked } = w.omnio;
          const socket = connect(url, { transports: [iframe(), polling()], strategy: ranked, forceNew: true });
          w.socket = socket;
          const transports: string[] = [];
          socket.io.on("transport", (e) => transports.push(`${e.previous}->${e.name}:${e.reason}`));
          const upgraded = w.next(socket.io as unknown as { on: Function; off: Function }, "upgrade", ms);
          await w.next(socket, "connect", ms);
          await upgraded;
          const echo = await socket.timeout(ms).emitWithAck("echo", "upgraded");
          return { transports, now: socket.io.transport, echo };
        },
        { url: peer.url, ms: DEADLINE },
      );
      expect(result.transports).toEqual(["null->polling:handshake", "polling->htmlfile:upgrade"]);
      expect(result.now).toBe("htmlfile");
      expect(result.echo).toBe("upgraded");
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });

  it("ignores a message from another frame or origin shaped like the stream's", async () => {
    const { page, errors, close } = await openPage();
    try {
      await connectIn(page, peer.url);
      const result = await page.evaluate(
        async ({ serverOrigin, ms }) => {
          const w = window as unknown as PageWindow;
          const socket = w.socket!;
          const stream = new URL(document.querySelector("iframe")!.src);
          const n = stream.searchParams.get("n");
          const c = Number(stream.searchParams.get("c"));
          // A perfect forgery: the stream's `n` and `c` and shape, carrying a Socket.IO event (and an end marker).
          const forged = [
            { omnio: n, c, k: "d", d: '42["spoofed","gotcha"]' },
            { omnio: n, c, k: "e" },
          ];
          // 1. From the page itself (wrong origin, wrong source).
          for (const m of forged) window.postMessage(m, "*");
          // 2. From another frame on the SERVER's origin (right origin, wrong source), and 3. on the page's.
          const waitDone = (origin: string) =>
            new Promise<void>((resolve) => {
              const onMessage = (event: MessageEvent) => {
                if (event.data?.spoofDone !== origin) return;
                window.removeEventListener("message", onMessage);
                resolve();
              };
              window.addEventListener("message", onMessage);
            });
          for (const origin of [serverOrigin, location.origin]) {
            const done = waitDone(origin);
            const frame = document.createElement("iframe");
            frame.src = `${origin}/test/pages/htmlfile-spoof.html#${encodeURIComponent(JSON.stringify(forged))}`;
            document.body.appendChild(frame);
            await Promise.race([done, new Promise((_, reject) => setTimeout(() => reject(new Error(`no spoof marker from ${origin}`)), ms))]);
            frame.remove();
          }
          const echo = await socket.timeout(ms).emitWithAck("echo", "still here");
          return {
            spoofed: w.got!.filter((e) => e[0] === "spoofed").length,
            connected: socket.connected,
            transport: socket.io.transport,
            echo,
          };
        },
        { serverOrigin: peer.url, ms: DEADLINE },
      );
      expect(result).toEqual({ spoofed: 0, connected: true, transport: "htmlfile", echo: "still here" });
      expect(errors).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe("htmlfile page origin check", () => {
  it("refuses (403) a cross-origin page the server's cors option does not allow, and the client reports it", async () => {
    pageUrl = `${pageSite.origin}/test/pages/htmlfile.html`;
    const peer = await startPeer("localhost", { origin: "http://example.invalid" });
    const { page, close } = await openPage();
    try {
      const result = await page.evaluate(
        async ({ url, ms }) => {
          const w = window as unknown as PageWindow;
          const { connect, iframe } = w.omnio;
          const socket = connect(url, { transports: [iframe()], forceNew: true, reconnection: false });
          const [error] = (await w.next(socket, "connect_error", ms)) as [Error & { errors?: ClientLib.TransportError[] }];
          await w.until(() => w.leftovers().iframes === 0, ms, "iframe removed");
          return { name: error.name, message: error.message, inner: error.errors?.map((e) => `${e.transport}: ${e.message}`) ?? [] };
        },
        { url: peer.url, ms: DEADLINE },
      );
      expect(result.name).toBe("TransportError");
      expect(result.inner.join(" ")).toMatch(/htmlfile: .*stream refused or cut/);
      expect(peer.streamStatuses).toContain(403);
      expect(peer.sockets).toEqual([]);
    } finally {
      await close();
      await peer.close();
    }
  });
});

/** Resolves once `predicate` holds (checked every 20 ms), or rejects naming `what` after `ms`. */
function waitUntil(predicate: () => boolean, ms: number, what: string): Promise<void> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const check = (): void => {
      if (predicate()) return resolve();
      if (Date.now() - started > ms) return reject(new Error(`waitUntil: ${what} not within ${ms} ms`));
      setTimeout(check, 20);
    };
    check();
  });
}

// Both transports in real Chromium (the browser's fetch and WebSocket) against a REAL socket.io@4.8
// server on another origin (page on localhost, server on 127.0.0.1): CORS with credentials, handshake,
// CONNECT, text and binary events, close. The transports' sources are bundled for the page with esbuild.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import type { EnginePacket, Transport, TransportFactory } from "@omnio/client";
import { newPage } from "../../../test/helpers/browser.js";
import { startStaticServer, type StaticServer } from "../../../test/helpers/static-server.js";
import { startSocketIo, type Peer } from "./socketio-peer.js";

const src = (name: string) => fileURLToPath(new URL(`../../${name}/src/index.ts`, import.meta.url));

let peer: Peer;
let site: StaticServer;

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: 'export { polling } from "@omnio/polling"; export { websocket } from "@omnio/websocket";', resolveDir: "." },
    alias: { "@omnio/client": src("client"), "@omnio/polling": src("polling"), "@omnio/websocket": src("websocket") },
    bundle: true,
    format: "iife",
    globalName: "omnioTransports",
    target: "es2020",
    write: false,
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0]!.text;
  site = await startStaticServer({
    host: "localhost",
    routes: [
      (req, res) => {
        if (req.url !== "/transports.js") return false;
        res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" }).end(script);
        return true;
      },
      (req, res) => {
        if (req.url !== "/") return false;
        res.writeHead(200, { "Content-Type": "text/html" }).end('<!doctype html><script src="/transports.js"></script>');
        return true;
      },
    ],
  });
  peer = await startSocketIo({ cors: { origin: site.origin, credentials: true } });
});
afterAll(async () => {
  await site?.close();
  await peer?.close();
});

/** Runs in the page: a minimal session over one transport; resolves with what it saw, bounded by a deadline. */
async function runInPage([name, base]: readonly ["polling" | "websocket", string]) {
  const T = (window as unknown as { omnioTransports: Record<string, () => TransportFactory> }).omnioTransports;
  const factory = T[name]!();
  const seen: string[] = [];
  let sid = "";
  let transport: Transport;
  const result = await new Promise<{ seen: string[]; probe: unknown; error?: string }>((resolve) => {
    const deadline = setTimeout(() => resolve({ seen, probe: null, error: "deadline" }), 15_000);
    const finish = (error?: string) => {
      clearTimeout(deadline);
      resolve({ seen, probe: factory.probe({ url: new URL(base), crossOrigin: true, global: window }), ...(error ? { error } : {}) });
    };
    transport = factory.create({
      base,
      query: () => ({ EIO: "4", ...(sid ? { sid } : {}) }),
      withCredentials: true,
      maxPayload: () => 1e6,
      global: window,
      sink: {
        onOpen: () => seen.push("open"),
        onDrain: () => {},
        onClose: (reason: string, error?: Error) => finish(`${reason}: ${error?.message}`),
        onPacket: (p: EnginePacket) => {
          if (p.type === "open") {
            sid = JSON.parse(p.data as string).sid;
            seen.push("handshake");
            transport.send([{ type: "message", data: "0" }]);
          } else if (p.type === "ping") transport.send([{ type: "pong" }]);
          else if (p.type === "message" && p.data instanceof ArrayBuffer) {
            seen.push(`binary ${[...new Uint8Array(p.data)].join(",")}`);
            transport.send([{ type: "message", data: '2["hello","page"]' }]);
          } else if (p.type === "message") {
            const d = p.data as string;
            seen.push(d.startsWith("0{") ? "connected" : d);
            if (d.startsWith("2[\"welcome\"")) {
              transport.send([
                { type: "message", data: '51-["bin",{"_placeholder":true,"num":0}]' },
                { type: "message", data: new Uint8Array([5, 6]) },
              ]);
            }
            if (d.startsWith("2[\"echo\"")) {
              transport.close();
              finish();
            }
          }
        },
      },
    });
    transport.open();
  });
  return result;
}

describe.each(["polling", "websocket"] as const)("%s in Chromium ↔ socket.io@4.8 (cross-origin)", (name) => {
  it("handshakes, connects, exchanges text and binary events, closes", async () => {
    const { context, page, errors } = await newPage();
    try {
      await page.goto(site.origin + "/");
      const result = await page.evaluate(runInPage, [name, peer.base] as const).catch((e: Error) => ({ seen: [], probe: null, error: e.message }));
      expect(result.error).toBeUndefined();
      expect(result.seen).toEqual([
        "open",
        "handshake",
        "connected",
        `2["welcome",{"transport":"${name}"}]`,
        "51-[\"bin\",{\"_placeholder\":true,\"num\":0}]",
        "binary 5,6,255",
        '2["echo","page!"]',
      ]);
      expect((result.probe as { supported: boolean }).supported).toBe(true);
      expect((result.probe as { reason: string }).reason).toBe(
        name === "polling" ? "long polling over fetch" : "global WebSocket present",
      );
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

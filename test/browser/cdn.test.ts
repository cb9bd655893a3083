// The CDN script as a user of the 0.9-era README would use it: a plain page (no modules, no import map) with
// `<script src="/socket.io/socket.io.js">` served by @omnio/server, then the seed example (`news` → `my other
// event`) in Chromium. The same example runs on the unminified omnio.js, as preact runs its tests on the
// minified build. Plus what the CDN fields and the UMD wrapper promise, checked without a browser.
import { afterEach, describe, expect, it } from "vitest";
import { existsSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { runInNewContext } from "node:vm";
import { Server } from "@omnio/server";
import { listen, recordingLogger, waitFor } from "../../packages/server/test/helpers.js";
import { newPage } from "../helpers/browser.js";
import { assertBuilt } from "../helpers/built.js";

const OMNIO = new URL("../../packages/omnio/", import.meta.url);
const file = (name: string) => new URL(`dist/${name}`, OMNIO);
const MIN = file("omnio.min.js");
assertBuilt(MIN, file("omnio.js"));
const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The page: records the globals before the script, loads it, then runs the seed's example against `url`. */
const page = (script: string, url: string) => `<!doctype html>
<html><head><meta charset="utf-8"><title>omnio CDN script</title></head><body>
<script>window.globalsBefore = Object.keys(window);</script>
<script src="${script}"></script>
<script>window.globalsAdded = Object.keys(window).filter(function (k) { return k !== "globalsBefore" && window.globalsBefore.indexOf(k) < 0; });</script>
<script>
  window.cdn = { type: typeof io, connectIsIo: io.connect === io, manager: typeof io.Manager, news: null, errors: [] };
  window.cdn.added = window.globalsAdded;
  var socket = io.connect(${JSON.stringify(url)});
  socket.on("news", function (data) {
    window.cdn.news = data;
    socket.emit("my other event", { my: "data" });
  });
  socket.on("connect_error", function (err) { window.cdn.errors.push(String(err && err.message)); });
</script>
</body></html>`;

async function startSeedServer() {
  let base = "";
  const http = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/min.html" || path === "/full.html") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      return void res.end(page(path === "/min.html" ? "/socket.io/socket.io.js" : "/omnio.js", base));
    }
    if (path === "/omnio.js") {
      res.writeHead(200, { "Content-Type": "text/javascript; charset=utf-8" });
      return void res.end(readFileSync(file("omnio.js")));
    }
    res.writeHead(404).end();
  });
  const io = new Server(http, { logger: recordingLogger() });
  const answers: unknown[] = [];
  io.on("connection", (socket) => {
    socket.emit("news", { hello: "world" });
    socket.on("my other event", (data: unknown) => {
      answers.push(data);
      http.emit("answer", data);
    });
  });
  const { url } = await listen(http);
  base = url;
  cleanups.push(() => io.close());
  return { url, http, answers };
}

describe("the CDN script in Chromium", () => {
  it("is what @omnio/server serves at /socket.io/socket.io.js, with a source map it can also serve", async () => {
    const { url } = await startSeedServer();
    const res = await fetch(`${url}/socket.io/socket.io.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/javascript/);
    const body = await res.text();
    expect(body).toBe(readFileSync(MIN, "utf8"));
    const mapName = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(body)?.[1];
    expect(mapName, "sourceMappingURL comment").toBeTruthy();
    // DevTools resolves the comment against the script's URL, i.e. inside /socket.io/.
    const map = await fetch(new URL(mapName!, `${url}/socket.io/socket.io.js`));
    expect(map.status, `source map ${mapName} next to the served script`).toBe(200);
    expect((await map.json()).version).toBe(3);
  });

  for (const [variant, pagePath] of [
    ["omnio.min.js", "/min.html"],
    ["omnio.js (unminified)", "/full.html"],
  ] as const) {
    it(`runs the seed example from a plain <script src> of ${variant}`, { timeout: 60_000 }, async () => {
      const { url, http } = await startSeedServer();
      const { context, page: tab, errors } = await newPage();
      cleanups.push(() => context.close());
      const answer = waitFor<[unknown]>(http, "answer", 20_000);
      await tab.goto(url + pagePath);
      expect(await answer).toEqual([{ my: "data" }]);
      const cdn = await tab.evaluate(() => (window as unknown as { cdn: Record<string, unknown> }).cdn);
      expect(cdn).toMatchObject({ type: "function", connectIsIo: true, manager: "function", news: { hello: "world" }, errors: [] });
      // The script adds the global `io` and nothing else (no `___eio`, no bridge callbacks) until used.
      expect(cdn.added).toEqual(["io"]);
      expect(errors).toEqual([]);
    });
  }
});

describe("the CDN files", () => {
  const pkg = JSON.parse(readFileSync(new URL("package.json", OMNIO), "utf8")) as Record<string, unknown>;

  it("are built with source maps, and unpkg/jsdelivr point at the minified one", () => {
    for (const name of ["omnio.js", "omnio.js.map", "omnio.min.js", "omnio.min.js.map"]) expect(existsSync(file(name)), name).toBe(true);
    expect(pkg.unpkg).toBe("./dist/omnio.min.js");
    expect(pkg.jsdelivr).toBe("./dist/omnio.min.js");
    expect((pkg.files as string[]).some((f) => f === "dist" || f.startsWith("dist/omnio"))).toBe(true);
    expect(readFileSync(MIN).length).toBeLessThan(readFileSync(file("omnio.js")).length * 0.75);
  });

  it("define the global io as a script, and module.exports under CommonJS", () => {
    for (const name of ["omnio.min.js", "omnio.js"]) {
      const code = readFileSync(file(name), "utf8");
      // A plain script: `this` is the global object; nothing else of the page is touched at load.
      const scriptGlobal: Record<string, unknown> = {};
      runInNewContext(code, scriptGlobal);
      const io = scriptGlobal.io as { connect?: unknown; io?: unknown; Manager?: unknown; Socket?: unknown } | undefined;
      expect(typeof io, `${name}: global io`).toBe("function");
      expect(io?.connect).toBe(io);
      expect(io?.io).toBe(io);
      expect(typeof io?.Manager).toBe("function");
      expect(typeof io?.Socket).toBe("function");
      expect(Object.keys(scriptGlobal).filter((k) => k !== "io"), `${name}: other globals`).toEqual([]);
      const module = { exports: {} as unknown };
      runInNewContext(code, { module, exports: module.exports });
      expect(typeof module.exports, `${name}: CommonJS export`).toBe("function");
    }
  });
});

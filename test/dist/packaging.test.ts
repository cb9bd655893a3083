// What a user installs: every package packed with `npm pack`, linted (publint), its types checked the way
// "are the types wrong" checks them (node16 ESM, node16 CJS, bundler), then all tarballs installed together into
// an empty project where `import`, `require` and `tsc` must all work.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { publint } from "publint";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { problemAffectsResolutionKind } from "@arethetypeswrong/core/problems";
import { REPO_ROOT } from "../size/bundle.mjs";
import { CLIENT_PACKAGES } from "../size/entries.mjs";

const run = promisify(execFile);
const PACKAGES = [...CLIENT_PACKAGES, { pkg: "@omnio/server", dir: "server" }];
const TSC = join(REPO_ROOT, "node_modules/typescript/bin/tsc");

interface Packed {
  name: string;
  filename: string;
  files: Array<{ path: string }>;
}
let temp = "";
let packed: Packed[] = [];
const tarball = (name: string) => readFile(join(temp, "tgz", packed.find((p) => p.name === name)!.filename));

beforeAll(async () => {
  temp = await mkdtemp(join(tmpdir(), "omnio-packaging-"));
  await mkdir(join(temp, "tgz"));
  const { stdout } = await run("npm", ["pack", ...PACKAGES.map((p) => `./packages/${p.dir}`), "--pack-destination", join(temp, "tgz"), "--json"], {
    cwd: REPO_ROOT,
    timeout: 60_000,
  });
  packed = JSON.parse(stdout) as Packed[];
  const app = join(temp, "app");
  const dependencies = Object.fromEntries(packed.map((p) => [p.name, `file:../tgz/${p.filename}`]));
  await mkdir(app);
  await writeFile(join(app, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module", dependencies }));
  // External dependencies (mitt, ws, @types/ws) come from the npm cache when it has them.
  await run("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--no-package-lock"], { cwd: app, timeout: 90_000 });
}, 180_000);

afterAll(async () => {
  if (temp) await rm(temp, { recursive: true, force: true });
});

describe("packed tarballs", () => {
  it("hold the ESM, CJS and both declaration files, and no tests", () => {
    expect(packed.map((p) => p.name).sort()).toEqual(PACKAGES.map((p) => p.pkg).sort());
    for (const p of packed) {
      const files = p.files.map((f) => f.path);
      for (const f of ["package.json", "dist/index.mjs", "dist/index.cjs", "dist/index.d.ts", "dist/index.d.cts"]) expect(files, p.name).toContain(f);
      expect(files.filter((f) => /(^|\/)test\//.test(f) || f.endsWith(".test.ts")), p.name).toEqual([]);
    }
    const files = (name: string) => packed.find((p) => p.name === name)!.files.map((f) => f.path);
    expect(files("@omnio/flash-bridge")).toContain("bridge.swf");
    for (const f of ["dist/omnio.js", "dist/omnio.js.map", "dist/omnio.min.js", "dist/omnio.min.js.map"]) expect(files("omnio")).toContain(f);
  });

  for (const { pkg } of PACKAGES) {
    it(`${pkg}: publint finds no error or warning`, async () => {
      const data = await tarball(pkg);
      const { messages } = await publint({ pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }, level: "warning" });
      expect(messages.map((m) => `${m.type} ${m.code} at ${m.path.join(".")} ${JSON.stringify(m.args)}`)).toEqual([]);
    });

    it(`${pkg}: the types are right for node16 ESM, node16 CJS and bundlers`, async () => {
      // Asset subpaths (`@omnio/flash-bridge/bridge.swf`) are files to serve, not modules to type.
      const analysis = await checkPackage(createPackageFromTarballData(new Uint8Array(await tarball(pkg))), { excludeEntrypoints: [/\.swf$/] });
      expect(analysis.types, "has types").not.toBe(false);
      if (analysis.types === false) return;
      const problems = analysis.problems.filter((problem) =>
        (["node16-esm", "node16-cjs", "bundler"] as const).some((kind) => problemAffectsResolutionKind(problem, kind, analysis)),
      );
      expect(problems).toEqual([]);
    });
  }
});

describe("installed from the tarballs", () => {
  it("`import` and `require` both load every package, with the same exports", async () => {
    const script = `
      import { createRequire } from "node:module";
      const require = createRequire(import.meta.url);
      const out = {};
      for (const name of ${JSON.stringify(PACKAGES.map((p) => p.pkg))}) {
        out[name] = { esm: Object.keys(await import(name)).sort(), cjs: Object.keys(require(name)).sort() };
      }
      console.log(JSON.stringify(out));`;
    await writeFile(join(temp, "app/load.mjs"), script);
    const { stdout } = await run(process.execPath, ["load.mjs"], { cwd: join(temp, "app"), timeout: 30_000 });
    const loaded = JSON.parse(stdout) as Record<string, { esm: string[]; cjs: string[] }>;
    for (const { pkg } of PACKAGES) {
      expect(loaded[pkg]?.esm.length, `${pkg} exports`).toBeGreaterThan(0);
      expect(loaded[pkg]?.cjs, `${pkg}: CJS exports = ESM exports`).toEqual(loaded[pkg]?.esm);
    }
    expect(loaded["omnio"]?.esm).toEqual(expect.arrayContaining(["io", "connect", "Manager", "Socket"]));
    expect(loaded["@omnio/client"]?.esm).toEqual(expect.arrayContaining(["connect", "Manager", "Socket", "OmnioError", "TransportError"]));
    expect(loaded["@omnio/server"]?.esm).toEqual(expect.arrayContaining(["Server", "EngineServer"]));
  });

  it("tsc resolves the types of a consumer, as ESM and as CJS (node16) and for bundlers", { timeout: 90_000 }, async () => {
    const consumer = `
      import { connect, TransportError, type Socket } from "@omnio/client";
      import { websocket } from "@omnio/websocket";
      import { polling } from "@omnio/polling";
      import { xhrMultipart } from "@omnio/xhr-multipart";
      import { iframe } from "@omnio/iframe";
      import { jsonp } from "@omnio/jsonp";
      import { flashBridge } from "@omnio/flash-bridge";
      import { io } from "omnio";
      import { Server } from "@omnio/server";
      const a: Socket = connect("https://example.com", { transports: [websocket(), polling(), xhrMultipart(), iframe(), jsonp(), flashBridge()] });
      const b: Socket<{ news: (data: { hello: string }) => void }> = io("https://example.com", { transports: ["websocket", "polling"] });
      b.on("news", (data) => data.hello.toUpperCase());
      // @ts-expect-error -- the typed event map rejects a wrong payload: proves the types are real, not any
      b.on("news", (data: number) => data);
      const server = new Server(0);
      server.on("connection", (socket) => socket.emit("news", { hello: "world" }));
      export const all = [a, b, new TransportError("x"), server];
    `;
    const app = join(temp, "app");
    await writeFile(join(app, "consumer.mts"), consumer);
    await writeFile(join(app, "consumer.cts"), consumer);
    await writeFile(join(app, "bundled.ts"), consumer);
    const common = ["--noEmit", "--strict", "--target", "es2022", "--lib", "es2022,dom", "--types", "node"];
    const tsc = (args: string[]) =>
      run(process.execPath, [TSC, ...common, ...args], { cwd: app, timeout: 60_000 }).catch((e: { stdout?: string; message: string }) => {
        throw new Error(`tsc ${args.join(" ")} failed:\n${e.stdout ?? e.message}`);
      });
    await tsc(["--module", "node16", "--moduleResolution", "node16", "consumer.mts", "consumer.cts"]);
    await tsc(["--module", "esnext", "--moduleResolution", "bundler", "bundled.ts"]);
  });
});

// Builds every package under packages/: dist/index.mjs (ESM), dist/index.cjs (CJS), dist/index.d.ts (+ .d.cts).
// The `omnio` package additionally gets the CDN build: dist/omnio.js and dist/omnio.min.js (UMD, global `io`).
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { join, resolve } from "node:path";
import typescript from "@rollup/plugin-typescript";
import nodeResolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";
import { dts } from "rollup-plugin-dts";
import { transform } from "esbuild";
import { createHash } from "node:crypto";

const only = process.env.OMNIO_PACKAGES?.split(",");
const packagesDir = "packages";
const manifests = new Map(
  readdirSync(packagesDir)
    .filter((name) => existsSync(join(packagesDir, name, "package.json")) && existsSync(join(packagesDir, name, "src/index.ts")))
    .map((name) => [name, JSON.parse(readFileSync(join(packagesDir, name, "package.json"), "utf8"))]),
);
// Rollup builds the configs one after another: a package's workspace dependencies first, so that their
// dist/index.d.ts exists when its own TypeScript compilation resolves them (a fresh clone has no dist at all).
const dirByName = new Map([...manifests].map(([dir, pkg]) => [pkg.name, dir]));
const ordered = [];
const visit = (dir, seen = new Set()) => {
  if (ordered.includes(dir) || seen.has(dir)) return;
  seen.add(dir);
  for (const dep of Object.keys(manifests.get(dir).dependencies ?? {})) if (dirByName.has(dep)) visit(dirByName.get(dep), seen);
  ordered.push(dir);
};
for (const dir of [...manifests.keys()].sort()) visit(dir);
const packages = ordered.filter((name) => !only || only.includes(name));

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

function externalFor(pkg) {
  const deps = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})]);
  return (id) => nodeBuiltins.has(id) || [...deps].some((d) => id === d || id.startsWith(`${d}/`));
}

const tsPlugin = (dir) =>
  typescript({
    tsconfig: "tsconfig.json",
    include: [resolve(dir, "src/**/*.ts")],
    compilerOptions: { noEmit: false, declaration: false, declarationMap: false, sourceMap: true, rootDir: resolve(dir, "src"), outDir: resolve(dir, "dist"), paths: {} },
    noEmitOnError: true,
  });

// Stable private-name mangling, as preact does: users' minifiers never rename properties, so every `this._queue`
// would ship its full name. The names below, most used first, become `_` + one or two characters by their place in
// the list; any other `_name` becomes `_` + 3 base-36 characters of its hash. Either way a name is the same in
// every package and every build (a transport subclassing HttpTransport from @omnio/client must agree on `_post`),
// with no cache to keep. So the list is append-only once released: add new names at the end, never reorder
// (a name no longer used keeps its place). `__x` names are shared with other realms or the Flash bridge, and
// `_placeholder` (the Socket.IO wire) and `_socket` (a `ws` internal) are not ours: none of them is touched.
const MANGLED = /^_[a-zA-Z]\w*$/;
const KEEP = new Set(["_placeholder", "_socket"]);
const NAMES = (
  "state close fail fire context timer inPost flush opts packet attempts h readyState post receive reconnecting " +
  "release stop up url wb m next pausing pid queue acks deadline deliver died end factory inGet plan reading " +
  "reconnection strategy bodies enqueue errors fetch leave onError onPacket opened posted push slots started " +
  "timeout tryPause volatile alive bad cancel closePost create ended failed offset onClose onEvent onOpen " +
  "onPaused options probe ready reconnect resetPing send start wire write destroy ids nonce writable c n name swf"
).split(" ");
const CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const listed = new Map(NAMES.map((n, i) => ["_" + n, "_" + (i < 62 ? CHARS[i] : CHARS[Math.floor(i / 62) - 1] + CHARS[i % 62])]));
if (listed.size !== NAMES.length) throw new Error("mangling: a name is listed twice in NAMES");
const shortNames = new Map();
const shortName = (name) => {
  let short = listed.get(name) ?? "_" + (parseInt(createHash("sha1").update(name).digest("hex").slice(0, 8), 16) % 36 ** 3).toString(36).padStart(3, "0");
  const other = [...shortNames].find(([n, s]) => s === short && n !== name);
  if (other) throw new Error(`mangling: ${name} and ${other[0]} both hash to ${short}; rename one of them`);
  shortNames.set(name, short);
  return short;
};
const stableMangle = () => ({
  name: "stable-mangle",
  async renderChunk(code, chunk) {
    const cache = {};
    for (const [name] of code.matchAll(/\b_[a-zA-Z]\w*/g)) if (MANGLED.test(name)) cache[name] = KEEP.has(name) ? false : shortName(name);
    const out = await transform(code, { mangleProps: MANGLED, reserveProps: /^(_placeholder|_socket)$/, mangleCache: cache, sourcemap: true, sourcefile: chunk.fileName, target: "es2020" });
    const strays = Object.keys(out.mangleCache).filter((n) => !(n in cache));
    if (strays.length) throw new Error(`mangling: names not seen by the scan: ${strays.join(", ")}`);
    return { code: out.code, map: out.map };
  },
});

const configs = [];
for (const name of packages) {
  const dir = join(packagesDir, name);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const external = externalFor(pkg);
  // Browser packages get their private names mangled; the server (Node) keeps them.
  const mangle = pkg.name === "@omnio/server" ? [] : [stableMangle()];
  configs.push({
    input: join(dir, "src/index.ts"),
    external,
    plugins: [tsPlugin(dir)],
    output: [
      { file: join(dir, "dist/index.mjs"), format: "es", sourcemap: true, plugins: mangle },
      { file: join(dir, "dist/index.cjs"), format: "cjs", sourcemap: true, exports: "named", plugins: mangle },
    ],
  });
  configs.push({
    input: join(dir, "src/index.ts"),
    external,
    plugins: [dts({ tsconfig: "tsconfig.json", compilerOptions: { paths: {} } })],
    output: [
      { file: join(dir, "dist/index.d.ts"), format: "es" },
      { file: join(dir, "dist/index.d.cts"), format: "es" },
    ],
  });
  if (existsSync(join(dir, "src/umd.ts"))) {
    // The CDN script: everything bundled, no externals, global `io`.
    configs.push({
      input: join(dir, "src/umd.ts"),
      plugins: [nodeResolve({ browser: true }), tsPlugin(dir)],
      output: [
        { file: join(dir, "dist/omnio.js"), format: "umd", name: "io", sourcemap: true, exports: "default" },
        {
          file: join(dir, "dist/omnio.min.js"),
          format: "umd",
          name: "io",
          sourcemap: true,
          exports: "default",
          // The names of the dist's stable mangling (above, in their mangled form here) are private: `__x` names are shared with other
          // realms (the JSONP global, the htmlfile callback, the Flash bridge's), `_placeholder` and `_socket` aren't ours.
          plugins: [terser({ ecma: 2020, compress: { passes: 2 }, mangle: { properties: { regex: /^_[a-zA-Z0-9]\w*$/, reserved: [...KEEP] } } })],
        },
      ],
    });
  }
}

export default configs;

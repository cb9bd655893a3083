// Bundles an entry source the way a user's bundler would: from the repository root, resolving package names
// through node_modules and each package.json's `exports` (so the workspace packages' built dist/index.mjs),
// browser platform, production mode, minified. esbuild and rollup (+ terser), plus byte counts.
import { gzipSync, brotliCompressSync, constants } from "node:zlib";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import nodeResolve from "@rollup/plugin-node-resolve";
import terser from "@rollup/plugin-terser";

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));
const ENTRY = "\0omnio-size-entry";

/**
 * esbuild, minified, browser, production. `tsconfigRaw: {}` keeps the repository's tsconfig `paths` (which map
 * @omnio/* to sources for the unit tests) out of it: a user's bundler sees only the published files.
 * `sources: true` does the opposite, resolving to src/*.ts, for per-file attribution of bytes.
 */
export async function bundleEsbuild(source, { sources = false } = {}) {
  const result = await build({
    stdin: { contents: source, resolveDir: REPO_ROOT, sourcefile: "entry.mjs", loader: "js" },
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: "es2020",
    minify: true,
    metafile: true,
    legalComments: "none",
    logLevel: "silent",
    define: { "process.env.NODE_ENV": '"production"' },
    ...(sources ? { tsconfig: `${REPO_ROOT}/tsconfig.json` } : { tsconfigRaw: {} }),
  });
  const code = result.outputFiles[0].text;
  const output = Object.values(result.metafile.outputs)[0];
  const modules = Object.entries(output.inputs)
    .map(([path, { bytesInOutput }]) => ({ path, bytes: bytesInOutput }))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes);
  return { code, modules };
}

/** rollup + @rollup/plugin-node-resolve (browser) + terser, ES module output. */
export async function bundleRollup(source) {
  const bundle = await rollup({
    input: ENTRY,
    onwarn: () => {},
    plugins: [
      {
        name: "entry",
        resolveId: (id) => (id === ENTRY ? id : null),
        load: (id) => (id === ENTRY ? source : null),
      },
      nodeResolve({ browser: true, rootDir: REPO_ROOT, exportConditions: ["production"] }),
      {
        name: "resolve-from-root",
        // The virtual entry has no directory: resolve its imports as if it sat at the repository root.
        resolveId(id, importer) {
          return importer === ENTRY && !id.startsWith("\0") ? this.resolve(id, `${REPO_ROOT}/entry.mjs`, { skipSelf: true }) : null;
        },
      },
    ],
  });
  try {
    const { output } = await bundle.generate({ format: "es", plugins: [terser({ ecma: 2020, compress: { passes: 2 } })] });
    return { code: output[0].code };
  } finally {
    await bundle.close();
  }
}

export function sizes(code) {
  const buf = Buffer.from(code);
  return {
    min: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: buf.length } }).length,
  };
}

// The benchmark is plain Node ESM, but two helpers it reuses are TypeScript (the fault proxy, the Chromium
// finder). esbuild (a dev dependency) bundles them into .bench/ (git-ignored), dependencies left external.
import { build } from "esbuild";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));

/** Import a repository TypeScript module by repo-relative path, e.g. "test/harness/fault-proxy.ts". */
export async function importTs(path) {
  const outfile = `${ROOT}.bench/${path.replace(/[/.]/g, "_")}.mjs`;
  await build({ entryPoints: [ROOT + path], outfile, bundle: true, platform: "node", format: "esm", packages: "external", logLevel: "error" });
  return import(pathToFileURL(outfile).href);
}

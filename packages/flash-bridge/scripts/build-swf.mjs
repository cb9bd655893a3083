#!/usr/bin/env node
// Builds packages/flash-bridge/bridge.swf from the Haxe sources in packages/flash-bridge/swf with Debian's haxe.
//   node packages/flash-bridge/scripts/build-swf.mjs           rebuild the shipped bridge.swf
//   node packages/flash-bridge/scripts/build-swf.mjs --check   build into a temp file, compare byte for byte
// The output is deterministic (same haxe version, same sources → same bytes) only with `-D haxe-boot`: without it
// haxe names the boot class `boot_<random 4 digits>` on every run.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const PACKAGE_DIR = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIR = join(PACKAGE_DIR, "swf");
const SHIPPED = join(PACKAGE_DIR, "bridge.swf");
/** The shipped file was built with this compiler; another version may emit different (equally valid) bytes. */
const EXPECTED_HAXE = "4.2.5";

const HAXE_ARGS = [
  "-cp", ".",
  "-main", "Main",
  "-swf-version", "10",
  // A 1×1 stage: the bridge draws nothing.
  "-swf-header", "1:1:30:FFFFFF",
  "-dce", "full",
  "-D", "haxe-boot",
  "-D", "no-traces",
];

function haxeVersion() {
  const result = spawnSync("haxe", ["-version"], { encoding: "utf8" });
  if (result.error && result.error.code === "ENOENT") {
    console.error(
      "build-swf: `haxe` was not found on PATH. Install Debian's compiler (`apt-get install haxe`, 4.2.5 is what\n" +
        "the shipped bridge.swf was built with) or get Haxe 4.2 from https://haxe.org/download/.",
    );
    process.exit(2);
  }
  if (result.status !== 0) {
    console.error(`build-swf: \`haxe -version\` failed:\n${result.stderr}`);
    process.exit(2);
  }
  return (result.stdout || result.stderr).trim();
}

function compile(outFile) {
  const result = spawnSync("haxe", [...HAXE_ARGS, "-swf", outFile], { cwd: SOURCE_DIR, encoding: "utf8" });
  if (result.status !== 0) {
    console.error(`build-swf: haxe failed (exit ${result.status}):\n${result.stderr}${result.stdout}`);
    process.exit(1);
  }
}

const check = process.argv.includes("--check");
const version = haxeVersion();
if (version !== EXPECTED_HAXE) {
  console.warn(`build-swf: haxe ${version} found; bridge.swf is built with ${EXPECTED_HAXE}, bytes may differ.`);
}

if (!check) {
  // Build next to the target and rename, so a failed build never leaves a truncated bridge.swf behind.
  const partial = `${SHIPPED}.partial`;
  compile(partial);
  renameSync(partial, SHIPPED);
  console.log(`build-swf: wrote ${relative(process.cwd(), SHIPPED)} (${statSync(SHIPPED).size} bytes, haxe ${version})`);
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), "omnio-swf-"));
try {
  const fresh = join(dir, "bridge.swf");
  compile(fresh);
  if (!existsSync(SHIPPED)) {
    console.error(`build-swf --check: ${relative(process.cwd(), SHIPPED)} is missing; run build-swf.mjs to create it.`);
    process.exit(1);
  }
  const built = readFileSync(fresh);
  const shipped = readFileSync(SHIPPED);
  if (!built.equals(shipped)) {
    let at = 0;
    while (at < built.length && at < shipped.length && built[at] === shipped[at]) at++;
    console.error(
      `build-swf --check: the shipped bridge.swf (${shipped.length} bytes) differs from a fresh build of swf/ ` +
        `(${built.length} bytes), first at byte ${at}. Rebuild it with \`node packages/flash-bridge/scripts/build-swf.mjs\` ` +
        `and commit it` +
        (version !== EXPECTED_HAXE ? ` (or use haxe ${EXPECTED_HAXE}: this is ${version}).` : "."),
    );
    process.exit(1);
  }
  console.log(`build-swf --check: bridge.swf matches its sources (${shipped.length} bytes, haxe ${version}).`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

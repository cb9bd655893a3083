// `npm run bench` (builds first): every benchmark in one process and one run, peers side by side. Prints each
// section's table, writes test/bench/results.json, and — on a full run — regenerates docs/bench.svg and the
// README's "Benchmarks" section between <!-- bench:start --> and <!-- bench:end -->.
// `node test/bench/index.mjs node chromium` runs only those sections (results.json is merged, the README and
// chart are left alone so they only ever show numbers from one run; add --readme to write them anyway).
// Sections: codec, node, chromium, fallback, flash, sizes. Bounded: the whole run gives up after 10 minutes.
import { cpus } from "node:os";
import { createRequire } from "node:module";
import * as codec from "./codec-section.mjs";
import * as node from "./node.mjs";
import * as chromiumSection from "./chromium.mjs";
import * as fallback from "./fallback.mjs";
import * as flash from "./flash.mjs";
import * as sizes from "./sizes.mjs";
import { startServers } from "./lib/servers-process.mjs";
import { startChromium } from "./lib/browser.mjs";
import { markdown, saveResults, updateReadme, writeChart } from "./lib/report.mjs";

const SECTIONS = { codec, node, chromium: chromiumSection, fallback, flash, sizes };
const NEEDS_SERVERS = new Set(["node", "chromium", "fallback", "flash"]);
const NEEDS_BROWSER = new Set(["chromium", "fallback", "flash"]);
const LIMIT_MS = 10 * 60_000;

const args = process.argv.slice(2);
const asked = args.filter((a) => !a.startsWith("--"));
for (const a of asked) if (!SECTIONS[a]) throw new Error(`bench: unknown section "${a}" (known: ${Object.keys(SECTIONS).join(", ")})`);
const names = asked.length ? Object.keys(SECTIONS).filter((n) => asked.includes(n)) : Object.keys(SECTIONS);
const full = names.length === Object.keys(SECTIONS).length;

const started = performance.now();
const log = (msg) => console.error(`[${((performance.now() - started) / 1000).toFixed(0).padStart(3)} s] ${msg}`);
let servers;
let chromium;
async function cleanUp() {
  await chromium?.close().catch(() => {});
  await servers?.stop().catch(() => {});
}
const limit = setTimeout(() => {
  console.error(`bench: gave up after ${LIMIT_MS / 60_000} minutes`);
  void cleanUp().finally(() => process.exit(1));
}, LIMIT_MS);

const require = createRequire(import.meta.url);
const env = {
  date: new Date().toISOString(),
  cpu: cpus()[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown CPU",
  cores: cpus().length,
  node: process.version,
  chromium: null,
  socketIo: require("socket.io/package.json").version,
};

const results = {};
try {
  if (names.some((n) => NEEDS_SERVERS.has(n))) servers = await startServers();
  if (names.some((n) => NEEDS_BROWSER.has(n))) {
    chromium = await startChromium();
    env.chromium = chromium.version;
  }
  for (const name of names) {
    const s = SECTIONS[name];
    log(`${name}: start`);
    const t0 = performance.now();
    try {
      const rows = await s.run({ servers, chromium, log });
      results[name] = { title: s.title, runAt: env.date, seconds: (performance.now() - t0) / 1000, rows, table: s.format(rows) };
    } catch (error) {
      // One broken section must not hide the others' numbers.
      results[name] = { title: s.title, runAt: env.date, error: String(error?.stack ?? error).split("\n")[0], rows: [] };
    }
    const r = results[name];
    console.log(`\n## ${r.title}\n\n${r.error ? `FAILED: ${r.error}` : r.table}\n`);
    log(`${name}: done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  }
} finally {
  await cleanUp();
  clearTimeout(limit);
}
env.seconds = (performance.now() - started) / 1000;
const merged = saveResults(env, results);
if (full || args.includes("--readme")) {
  updateReadme(markdown(env, full ? results : merged, Object.keys(SECTIONS)));
  writeChart(env, full ? results : merged);
  log("README.md (Benchmarks) and docs/bench.svg updated");
}
log(`results in test/bench/results.json; total ${env.seconds.toFixed(0)} s`);
// Children are stopped and the browser closed; a client socket a failed phase left behind must not keep the run alive.
process.exit(Object.values(results).some((r) => r.error) ? 1 : 0);

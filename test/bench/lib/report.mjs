// Output of a run: results.json (every row of every section, with the run's environment), the README's
// "Benchmarks" section between its markers, and docs/bench.svg.
import { readFileSync, writeFileSync, existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { panelsFrom, renderChart } from "./chart.mjs";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
export const RESULTS = `${ROOT}test/bench/results.json`;
const README = `${ROOT}README.md`;
const SVG = `${ROOT}docs/bench.svg`;
const START = "<!-- bench:start -->";
const END = "<!-- bench:end -->";

/** Rows of the sections run now replace those in results.json; the others keep theirs (with their own date). */
export function saveResults(env, sections) {
  let previous = {};
  try {
    previous = JSON.parse(readFileSync(RESULTS, "utf8")).sections ?? {};
  } catch {
    /* first run, or an unreadable file: start over */
  }
  const merged = { ...previous, ...sections };
  writeFileSync(RESULTS, JSON.stringify({ env, sections: merged }, null, 2) + "\n");
  return merged;
}

export function envLine(env) {
  return `${env.date.slice(0, 10)} · ${env.cpu} × ${env.cores} · Node ${env.node} · Chromium ${env.chromium ?? "–"} · socket.io/socket.io-client ${env.socketIo}`;
}

/** The README section body: method notes, then each section's table in run order. */
export function markdown(env, sections, order) {
  const out = [
    `Output of \`npm run bench\` (one run: ${envLine(env)}; the bench took ${env.seconds.toFixed(0)} s). Numbers from different runs on this shared`,
    "2-core machine differ by up to ~1.5×: compare within a table. Node clients run against servers in a child process;",
    "Chromium numbers come from a tab Playwright does not attach to, on a cross-origin-isolated page that measures by itself",
    "and POSTs its samples (see `test/bench/` and `/work/shared/BENCHMARKING.md` for the method).",
    "",
    "![benchmark chart](docs/bench.svg)",
  ];
  for (const name of order) {
    const s = sections[name];
    if (!s) continue;
    out.push("", `### ${s.title}`, "");
    if (s.error) out.push(`Section failed: \`${s.error.replace(/`/g, "'")}\``);
    else out.push(s.table);
  }
  return out.join("\n");
}

/** Replaces the text between the markers (adds a "## Benchmarks" section with markers when there are none). */
export function updateReadme(body) {
  writeFileSync(README, replaceSection(readFileSync(README, "utf8"), body));
}

/** `text` with `body` between the markers; the rest of the text untouched. */
export function replaceSection(text, body) {
  const block = `${START}\n${body}\n${END}`;
  const i = text.indexOf(START);
  const j = text.indexOf(END);
  return i >= 0 && j > i ? text.slice(0, i) + block + text.slice(j + END.length) : `${text.trimEnd()}\n\n## Benchmarks\n\n${block}\n`;
}

export function writeChart(env, sections) {
  if (!existsSync(`${ROOT}docs`)) mkdirSync(`${ROOT}docs`);
  writeFileSync(SVG, renderChart(panelsFrom(sections), envLine(env)));
}

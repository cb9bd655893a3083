// `npm run size`: min / gzip / brotli of what users bundle (@omnio/client + each transport, the omnio preset,
// the CDN file) next to the peers built the same way, and the budgets of budgets.json. Exits 1 when a budget
// is exceeded. `run()` returns the rows as JSON for the combined bench.
import { pathToFileURL } from "node:url";
import { checkBudgets, heaviestModules, loadBudgets, loadCeilings } from "./budget-check.mjs";
import { measureAll } from "./measure.mjs";

export async function run() {
  const { rows, notes } = await measureAll();
  const budgets = checkBudgets(rows, loadBudgets());
  return { rows, budgets, notes };
}

const fmt = (n) => (n === undefined ? "" : n.toLocaleString("en-US"));

function table(rows, budgets) {
  const ceilings = loadCeilings();
  const head = ["entry", "min", "gzip", "brotli", "rollup gzip", "+gzip", "budget", "", "ceiling"];
  const lines = rows.map((r) => {
    const b = budgets.find((x) => x.id === r.id);
    return [
      r.label,
      fmt(r.esbuild.min),
      fmt(r.esbuild.gzip),
      fmt(r.esbuild.brotli),
      fmt(r.rollup?.gzip),
      r.delta === undefined ? "" : `+${fmt(r.delta)}`,
      b ? fmt(b.budget) : "",
      b ? (b.over > 0 ? `OVER by ${fmt(b.over)}` : "ok") : "",
      fmt(ceilings[r.id]),
    ];
  });
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const line = (cells) => "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(" | ") + " |";
  return [line(head), "|" + widths.map((w, i) => (i === 0 ? "-".repeat(w + 2) : "-".repeat(w + 1) + ":")).join("|") + "|", ...lines.map(line)].join("\n");
}

async function main() {
  const { rows, budgets, notes } = await run();
  console.log("Bytes; esbuild (minify, browser, production) unless noted; gzip -9 and brotli 11 by node:zlib;");
  console.log("`+gzip` is over @omnio/client + @omnio/websocket; budgets check the larger of esbuild and rollup;");
  console.log("`ceiling`: a row still over budget may not grow past it (npm test checks it; lower it when you cut).\n");
  console.log(table(rows, budgets));
  for (const note of notes) console.log(`\nnote: ${note}`);
  const over = budgets.filter((b) => b.over > 0);
  for (const b of over) {
    console.log(`\n${b.label}: ${fmt(b.actual)} B gzip, budget ${fmt(b.budget)} B, over by ${fmt(b.over)} B. Heaviest files (minified bytes${b.id.startsWith("client+websocket+") ? " it adds" : ""}):`);
    for (const m of await heaviestModules(b.id)) console.log(`  ${fmt(m.bytes).padStart(7)}  ${m.path}`);
  }
  if (over.length) process.exitCode = 1;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();

// Section "Sizes": delegates to test/size/index.mjs (written by another engineer) when it exists. Its run()
// returns { rows, budgets, notes }: rows carry label, esbuild {min,gzip,brotli}, rollup {gzip}, delta.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const title = "Bundle sizes (from `npm run size`)";

const SIZE = fileURLToPath(new URL("../size/index.mjs", import.meta.url));
const notMeasured = (reason) => [{ status: "not measured", reason }];

export async function run() {
  if (!existsSync(SIZE)) return notMeasured("test/size/index.mjs does not exist yet");
  const mod = await import(pathToFileURL(SIZE).href);
  if (typeof mod.run !== "function") return notMeasured("test/size/index.mjs exports no run()");
  const out = await mod.run();
  const rows = Array.isArray(out) ? out : out?.rows;
  if (!Array.isArray(rows) || !rows.length) return notMeasured("test/size/index.mjs run() returned no rows");
  const budgets = out.budgets ?? [];
  return rows.map((r) => {
    const b = budgets.find((x) => x.id === r.id);
    return { ...r, budget: b?.budget, overBudget: b ? b.over > 0 : undefined, notes: undefined };
  }).concat((out.notes ?? []).map((note) => ({ note })));
}

const n = (x) => (typeof x === "number" ? x.toLocaleString("en-US") : "");

export function format(rows) {
  if (rows[0]?.status === "not measured") return `| result |\n|---|\n| not measured: ${rows[0].reason} |`;
  const lines = [
    "bytes; esbuild (minify, browser, production) unless noted; gzip -9 / brotli 11; `+gzip` over @omnio/client + @omnio/websocket",
    "",
    "| entry | min | gzip | brotli | rollup gzip | +gzip | budget (gzip) | |",
    "|---|---:|---:|---:|---:|---:|---:|---|",
  ];
  const notes = [];
  for (const r of rows) {
    if (r.note) {
      notes.push(`note: ${r.note}`);
      continue;
    }
    const e = r.esbuild ?? {};
    const status = r.overBudget === undefined ? "" : r.overBudget ? "OVER" : "ok";
    lines.push(`| ${String(r.label ?? r.id).replace(/\|/g, "/")} | ${n(e.min)} | ${n(e.gzip)} | ${n(e.brotli)} | ${n(r.rollup?.gzip)} | ${r.delta === undefined ? "" : "+" + n(r.delta)} | ${n(r.budget)} | ${status} |`);
  }
  return [...lines, ...(notes.length ? ["", ...notes] : [])].join("\n");
}

// Compares measured rows with budgets.json (the one place budgets live) and, for anything over, says which
// source files weigh most so the owners know where to cut.
import { readFileSync } from "node:fs";
import { bundleEsbuild } from "./bundle.mjs";
import { clientEntry, OMNIO_ENTRY, TRANSPORTS } from "./entries.mjs";
import { gzipOf } from "./measure.mjs";

const budgetFile = () => JSON.parse(readFileSync(new URL("./budgets.json", import.meta.url), "utf8"));

export function loadBudgets() {
  return budgetFile().gzip;
}

/**
 * The ratchet for rows still over their budget: today's size per row id. `npm test` fails when such a row grows
 * past it; whoever cuts bytes lowers it. A row within its budget is held to the budget instead.
 */
export function loadCeilings() {
  const { $comment, ...ceilings } = budgetFile().ceilings ?? {};
  return ceilings;
}

/** One result per budgeted row: `{id, label, budget, actual, over}` (over > 0: exceeded by that many bytes). */
export function checkBudgets(rows, budgets = loadBudgets()) {
  const results = [];
  for (const row of rows) {
    let budget;
    let actual;
    if (row.id === "client+websocket") (budget = budgets["client-websocket"]), (actual = gzipOf(row));
    else if (row.id.startsWith("client+websocket+")) (budget = budgets["further-transport"]), (actual = row.delta);
    else if (row.id === "umd") (budget = budgets.umd), (actual = row.esbuild.gzip);
    else continue;
    results.push({ id: row.id, label: row.label.trim(), budget, actual, over: actual - budget });
  }
  return results;
}

/**
 * The heaviest source files (minified bytes before gzip, esbuild's metafile) of the entry behind a row, bundled
 * from the packages' sources so the attribution is per file rather than per package. For a further transport,
 * the bytes it adds over client + websocket, file by file (its own files, and client code only it pulls in).
 */
export async function heaviestModules(id, count = 8) {
  const entry = (dirs) => clientEntry(dirs.map((d) => TRANSPORTS.find((t) => t.dir === d)));
  const bytes = async (source) => (await bundleEsbuild(source, { sources: true })).modules;
  if (id === "umd" || id === "omnio") return (await bytes(OMNIO_ENTRY)).slice(0, count);
  const dirs = id.replace(/^client\+/, "").split("+");
  const modules = await bytes(entry(dirs));
  if (dirs.length === 1) return modules.slice(0, count);
  const before = new Map((await bytes(entry(dirs.slice(0, -1)))).map((m) => [m.path, m.bytes]));
  return modules
    .map((m) => ({ path: m.path, bytes: m.bytes - (before.get(m.path) ?? 0) }))
    .filter((m) => m.bytes > 0)
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, count);
}

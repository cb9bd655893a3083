// Measures every entry of entries.mjs (esbuild and rollup, min / gzip / brotli), the CDN file, and the peers.
// Rows are plain JSON so the combined bench can embed them.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { bundleEsbuild, bundleRollup, sizes, REPO_ROOT } from "./bundle.mjs";
import { clientEntry, OMNIO_ENTRY, PEERS, TRANSPORTS } from "./entries.mjs";

export const UMD_FILE = join(REPO_ROOT, "packages/omnio/dist/omnio.min.js");

/** Transport packages that are built (dist/index.mjs), and the ones skipped with the reason. */
export function availableTransports() {
  const present = [];
  const missing = [];
  for (const t of TRANSPORTS) {
    const dir = join(REPO_ROOT, "packages", t.dir);
    if (!existsSync(join(dir, "package.json"))) missing.push({ ...t, reason: "no package" });
    else if (!existsSync(join(dir, "dist/index.mjs"))) missing.push({ ...t, reason: "not built (no dist/index.mjs)" });
    else present.push(t);
  }
  return { present, missing };
}

async function both(source) {
  const [e, r] = await Promise.all([bundleEsbuild(source), bundleRollup(source)]);
  return { esbuild: sizes(e.code), rollup: sizes(r.code) };
}

/** The larger gzip of the two bundlers: a budget holds for users of either. */
export const gzipOf = (row) => Math.max(row.esbuild.gzip, row.rollup?.gzip ?? 0);

/**
 * Rows: `client+<t>` (one transport), `client+websocket+<t>` (with `delta` over client+websocket), `omnio`,
 * `umd`, then peers (esbuild only, as their docs recommend no particular bundler). `budgetedOnly`: just the rows
 * budgets.json constrains (client+websocket, each further transport, umd), for the test.
 */
export async function measureAll({ budgetedOnly = false } = {}) {
  const { present, missing } = availableTransports();
  const rows = [];
  const notes = missing.map((t) => `${t.pkg} skipped: ${t.reason}`);
  for (const t of present) {
    if (budgetedOnly && t.dir !== "websocket") continue;
    rows.push({ id: `client+${t.dir}`, group: "omnio", label: `@omnio/client + ${t.pkg}`, ...(await both(clientEntry([t]))) });
  }
  const ws = present.find((t) => t.dir === "websocket");
  const base = rows.find((r) => r.id === "client+websocket");
  if (ws && base) {
    for (const t of present.filter((p) => p !== ws)) {
      const row = { id: `client+websocket+${t.dir}`, group: "omnio", label: `  … + ${t.pkg}`, ...(await both(clientEntry([ws, t]))) };
      row.delta = gzipOf(row) - gzipOf(base);
      rows.push(row);
    }
  }
  if (missing.length === 0 && !budgetedOnly) rows.push({ id: "omnio", group: "omnio", label: "omnio (io preset, every transport)", ...(await both(OMNIO_ENTRY)) });
  else notes.push("omnio preset skipped: it imports every transport package");
  if (existsSync(UMD_FILE)) {
    rows.push({ id: "umd", group: "umd", label: "omnio.min.js (UMD, CDN)", esbuild: sizes(readFileSync(UMD_FILE, "utf8")) });
  } else notes.push("omnio.min.js missing: run the build");
  for (const peer of budgetedOnly ? [] : PEERS) {
    try {
      const { code } = await bundleEsbuild(peer.source);
      rows.push({ id: `peer:${peer.id}`, group: "peer", label: `${peer.id} ${version(peer.pkg)}`, esbuild: sizes(code) });
    } catch (error) {
      notes.push(`peer ${peer.id} could not be bundled: ${String(error.message).split("\n")[0]}`);
    }
  }
  return { rows, notes };
}

function version(pkg) {
  try {
    return JSON.parse(readFileSync(join(REPO_ROOT, "node_modules", pkg, "package.json"), "utf8")).version;
  } catch {
    return "?";
  }
}

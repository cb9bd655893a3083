// Section "Sizes": delegates to test/size/index.mjs (written by another engineer) when it exists.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

export const title = "Bundle sizes";

const SIZE = fileURLToPath(new URL("../size/index.mjs", import.meta.url));
let formatter;

export async function run() {
  if (!existsSync(SIZE)) return [{ status: "not measured", reason: "test/size/index.mjs does not exist yet" }];
  const mod = await import(pathToFileURL(SIZE).href);
  formatter = mod.format;
  if (typeof mod.run !== "function") return [{ status: "not measured", reason: "test/size/index.mjs exports no run()" }];
  const rows = await mod.run();
  return Array.isArray(rows) ? rows : [{ status: "not measured", reason: "test/size/index.mjs run() returned no rows" }];
}

export function format(rows) {
  if (rows[0]?.status === "not measured") return `| result |\n|---|\n| not measured: ${rows[0].reason} |`;
  if (formatter) return formatter(rows);
  const keys = Object.keys(rows[0] ?? {});
  const cell = (v) => (typeof v === "number" ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v ?? "")).replace(/\|/g, "/");
  return [`| ${keys.join(" | ")} |`, `|${keys.map(() => "---").join("|")}|`, ...rows.map((r) => `| ${keys.map((k) => cell(r[k])).join(" | ")} |`)].join("\n");
}

// `node test/size/modules.mjs websocket+polling` (or `omnio`): bundles the size entry of @omnio/client with those
// transports (or the omnio preset) from the packages' SOURCES, no build needed, and prints each file's minified
// bytes plus the bundle's min / gzip / brotli. For working on sizes; `npm run size` measures the published files.
import { pathToFileURL } from "node:url";
import { bundleEsbuild, sizes } from "./bundle.mjs";
import { clientEntry, OMNIO_ENTRY, TRANSPORTS } from "./entries.mjs";

export async function modulesOf(spec) {
  let source = OMNIO_ENTRY;
  if (spec !== "omnio") {
    const dirs = spec.split("+");
    const unknown = dirs.filter((d) => !TRANSPORTS.some((t) => t.dir === d));
    if (unknown.length) throw new Error(`unknown transport dir ${unknown.join(", ")}: one of ${TRANSPORTS.map((t) => t.dir).join(", ")}`);
    source = clientEntry(dirs.map((d) => TRANSPORTS.find((t) => t.dir === d)));
  }
  const { code, modules } = await bundleEsbuild(source, { sources: true });
  return { modules, total: sizes(code) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const spec = process.argv[2] ?? "websocket";
  const { modules, total } = await modulesOf(spec);
  for (const m of modules) console.log(`${String(m.bytes).padStart(7)}  ${m.path}`);
  console.log(`\n${spec}: min ${total.min} B, gzip ${total.gzip} B, brotli ${total.brotli} B (from sources)`);
}

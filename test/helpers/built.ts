// Tests of built or installed files (dist, the CDN script, Ruffle) fail loudly when a file is missing instead of skipping: `npm test`
// builds first, so a missing file means the build broke, and a skipped suite would hide it.
import { existsSync } from "node:fs";

export function assertBuilt(...files: Array<string | URL>): void {
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new Error(`missing: ${missing.map(String).join(", ")} — run \`npm ci && npm run build\` (npm test builds first)`);
}

// Section "Flash under Ruffle": io() → first event (SWF load included / excluded) and event latency beside
// WebSocket. Not measured yet: this section reports exactly why, never a made-up number.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const title = "Flash socket under Ruffle";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function run() {
  const bridge = existsSync(`${ROOT}packages/flash-bridge/src/index.ts`);
  const pages = existsSync(`${ROOT}test/flash/swf-page.html`);
  // TODO(bench): once @omnio/flash-bridge exports a transport, load Ruffle + bridge.swf in the bench page
  // (test/flash/ has the page and socket servers) and time io() → first event with and without the SWF load.
  const reason = !bridge
    ? "flash bridge not integrated yet (packages/flash-bridge/src has no transport)"
    : "flash bridge transport exists, but its Ruffle timing run is not written yet";
  return [{ measurement: "io() → first event, event latency p50", status: "not measured", reason, swfTestsPresent: pages }];
}

export function format(rows) {
  return ["| measurement | result |", "|---|---|", ...rows.map((r) => `| ${r.measurement} | ${r.status}: ${r.reason} |`)].join("\n");
}

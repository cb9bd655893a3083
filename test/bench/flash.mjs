// Section "Flash under Ruffle": omnio's flashsocket transport (bridge.swf run by Ruffle in Chromium, its socket
// reaching @omnio/server through the server's WebSocket socket proxy) beside omnio's WebSocket, same page setup
// as the Chromium section: io() → first event for a first socket (Ruffle + SWF load included) and for a second
// socket opened while the first is up (whatever the first loaded is reused: load excluded), then server → page
// latency p50/p99 at 50 events/s. No bursts (the bridge's per-event cost would dominate the section's time).
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { measurePage } from "./chromium.mjs";
import { fixed, median, quantile } from "./lib/stats.mjs";

export const title = "Flash socket under Ruffle (Chromium, @omnio/server)";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

export async function run(ctx) {
  const ready = existsSync(`${ROOT}packages/flash-bridge/dist/index.mjs`) && existsSync(`${ROOT}node_modules/@ruffle-rs/ruffle/ruffle.js`);
  if (!ready || !ctx.chromium) {
    const reason = !ready ? "flash bridge not integrated yet (no build of @omnio/flash-bridge, or no Ruffle)" : "needs Chromium";
    return [{ transport: "flashsocket", status: "not measured", reason }];
  }
  const rows = [];
  for (const transport of ["websocket", "flashsocket"]) {
    const r = await measurePage(ctx, ctx.servers.origins.omnio, { mode: "latency", client: "omnio", transport, second: "1", bursts: "0" }, 120_000);
    const row = { transport };
    if (r.error) {
      row.status = "not measured";
      row.reason = `error: ${r.error.split("\n")[0]}`;
    } else {
      Object.assign(row, {
        actualTransport: r.transport,
        firstEventInclMs: r.firstEventMs,
        firstEventExclMs: r.second?.firstEventMs ?? null,
        steadyP50Ms: median(r.steady),
        steadyP99Ms: quantile(r.steady, 0.99),
        steadyLost: r.steadyLost,
      });
    }
    ctx.log?.(`flash: ${transport}: ${row.reason ?? `first event ${fixed(row.firstEventInclMs, 0)} / ${fixed(row.firstEventExclMs, 0)} ms, p50 ${fixed(row.steadyP50Ms)} ms`}`);
    rows.push(row);
  }
  return rows;
}

export function format(rows) {
  const lines = [
    "| transport | io() → first event, load included ms | second socket (load excluded) ms | steady 50/s p50 / p99 ms |",
    "|---|---:|---:|---:|",
  ];
  for (const r of rows) {
    if (r.status) lines.push(`| ${r.transport} | ${r.status}: ${r.reason.replace(/\|/g, "/")} | | |`);
    else {
      const note = [r.actualTransport !== r.transport && `ran on ${r.actualTransport}`, r.steadyLost && `${r.steadyLost} of 300 missing`].filter(Boolean).join(", ");
      lines.push(`| ${r.transport}${note ? ` (${note})` : ""} | ${fixed(r.firstEventInclMs, 1)} | ${fixed(r.firstEventExclMs, 1)} | ${fixed(r.steadyP50Ms)} / ${fixed(r.steadyP99Ms)} |`);
    }
  }
  return lines.join("\n");
}

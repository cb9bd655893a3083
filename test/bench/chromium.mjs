// Section "Chromium latency": server → page one-way latency in Chromium per transport — a steady 50 events/s
// (300 events) and bursts of 1,000 (first emit → last arrival, median of 3) — omnio against @omnio/server
// (every transport it serves) and against stock socket.io@4.8 (websocket, polling), beside socket.io-client on
// the same servers. Latency = arrival (page clock) − send time embedded by the server; the two share a clock.
// Each run is a fresh tab in a fresh browser context opened through CDP (see lib/browser.mjs), on a
// cross-origin-isolated page (5 µs timers) that warms up (50 steady events + one burst) before measuring.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fixed, goal, median, quantile } from "./lib/stats.mjs";

export const title = "Chromium: server → page latency per transport";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
/** omnio transport → the package whose build the page imports. */
const PACKAGE = { websocket: "websocket", "xhr-multipart": "xhr-multipart", htmlfile: "iframe", polling: "polling" };

let runs = 0;

/** Open the page for one setting and return its samples. */
export async function measurePage({ servers, chromium }, origin, params, ms = 90_000) {
  const run = `r${++runs}`;
  const url = `${origin}/test/bench/page/bench.html?${new URLSearchParams({ run, ...params })}`;
  const samples = servers.samples(ms, `samples of ${url}`, run);
  try {
    return await chromium.runPage(url, samples);
  } catch (error) {
    // A page that never reported (crash, hang) is one failed setting, not a failed section.
    return { run, error: String(error?.message ?? error) };
  }
}

export async function run(ctx) {
  const { servers, log = () => {} } = ctx;
  const settings = [];
  const missing = [];
  for (const transport of ["websocket", "xhr-multipart", "htmlfile", "polling"]) {
    if (existsSync(`${ROOT}packages/${PACKAGE[transport]}/dist/index.mjs`)) settings.push({ server: "omnio", client: "omnio", transport });
    else missing.push(transport);
  }
  for (const transport of ["websocket", "polling"]) settings.push({ server: "omnio", client: "sio", transport });
  for (const client of ["omnio", "sio"]) for (const transport of ["websocket", "polling"]) settings.push({ server: "stock", client, transport });
  const rows = [];
  for (const s of settings) {
    const result = await measurePage(ctx, servers.origins[s.server], { mode: "latency", client: s.client, transport: s.transport });
    const row = {
      server: s.server === "stock" ? "socket.io@4.8" : "@omnio/server",
      client: s.client === "sio" ? "socket.io-client" : "omnio",
      transport: s.transport,
    };
    if (result.error) {
      row.error = result.error.split("\n")[0];
    } else {
      Object.assign(row, {
        actualTransport: result.transport,
        crossOriginIsolated: result.crossOriginIsolated,
        connectMs: result.connectMs,
        steadyP50Ms: median(result.steady),
        steadyP99Ms: quantile(result.steady, 0.99),
        steadyLost: result.steadyLost,
        burstMs: median(result.bursts.filter((b) => b !== null)),
        burstsIncomplete: result.bursts.filter((b) => b === null).length,
      });
    }
    log(`chromium: ${row.client} ${row.transport} on ${row.server}: ${row.error ?? `p50 ${fixed(row.steadyP50Ms)} ms, burst ${fixed(row.burstMs, 1)} ms`}`);
    rows.push(row);
  }
  for (const transport of missing) rows.push({ server: "@omnio/server", client: "omnio", transport, skipped: `no build of @omnio/${PACKAGE[transport]}` });
  return withGoals(rows);
}

/** Goals (omnio on @omnio/server): streaming p50 ≤ 2× WebSocket's; streaming burst ≤ 1.5× polling's. */
function withGoals(rows) {
  const mine = (t) => rows.find((r) => r.server === "@omnio/server" && r.client === "omnio" && r.transport === t && !r.error && !r.skipped);
  const ws = mine("websocket");
  const poll = mine("polling");
  for (const r of rows) {
    if (r.client !== "omnio" || r.server !== "@omnio/server" || (r.transport !== "xhr-multipart" && r.transport !== "htmlfile")) continue;
    if (r.error || r.skipped) continue;
    r.goals = {
      p50Within2xWebSocket: ws ? r.steadyP50Ms <= 2 * ws.steadyP50Ms : null,
      burstWithin15xPolling: poll ? r.burstMs <= 1.5 * poll.burstMs : null,
    };
  }
  return rows;
}

export function format(rows) {
  const lines = [
    "one-way latency = arrival on the page − send time stamped by the server (same clock); steady: 300 events at 50/s;",
    "burst: median of 3 × 1,000 events, first emit → last arrival; connect: io() → connect of the page's first socket.",
    "",
    "| server | client | transport | steady 50/s p50 / p99 ms | burst of 1,000 ms | connect ms | goals (p50 ≤ 2× ws · burst ≤ 1.5× polling) |",
    "|---|---|---|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    const head = `| ${r.server} | ${r.client} | ${r.transport}`;
    if (r.skipped || r.error) {
      lines.push(`${head} | not measured: ${(r.skipped ?? r.error).replace(/\|/g, "/")} | | | |`);
      continue;
    }
    const notes = [];
    if (r.actualTransport !== r.transport) notes.push(`ran on ${r.actualTransport}`);
    if (r.steadyLost) notes.push(`${r.steadyLost} of 300 missing`);
    if (r.burstsIncomplete) notes.push(`${r.burstsIncomplete} bursts incomplete`);
    if (!r.crossOriginIsolated) notes.push("not isolated: 100 µs timers");
    const g = r.goals ? [r.goals.p50Within2xWebSocket, r.goals.burstWithin15xPolling].map(goal).join(" · ") : "";
    lines.push(
      `${head}${notes.length ? ` (${notes.join(", ")})` : ""} | ${fixed(r.steadyP50Ms)} / ${fixed(r.steadyP99Ms)} | ${fixed(r.burstMs, 1)} | ${fixed(r.connectMs, 1)} | ${g} |`,
    );
  }
  return lines.join("\n");
}

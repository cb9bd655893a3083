// Section "Fallback": behind the network-fault proxy (test/harness/fault-proxy.ts), per scenario, how long from
// `io()` to the first event the server sends on connection, which transport the client ends on and when —
// omnio's `io()` preset with its defaults against socket.io-client with its defaults and with
// `tryAllTransports: true`, all in Chromium against the same stock socket.io@4.8 server. A fresh proxy (so a
// fresh origin: no transport memory carried over) and a fresh browser context per run. The page stops watching
// once the client is on WebSocket (nothing better on this server) or 3 s passed without a change; a client
// that gets no event within 10 s is reported as such. Measures whatever the client currently does.
import { measurePage } from "./chromium.mjs";
import { fixed } from "./lib/stats.mjs";
import { importTs } from "./lib/ts-import.mjs";

export const title = "Chromium: fallback behind a faulty network (io() → first event, final transport)";

export const SCENARIOS = [
  ["no fault (transparent proxy)", {}],
  ["WebSocket refused (403)", { refuseWebSocket: 403 }],
  ["WebSocket hangs (no answer)", { hangWebSocket: true }],
  ["buffering proxy (bodies held to the end)", { bufferResponses: true }],
  ["polling fails (502)", { failTransport: { name: "polling", status: 502 } }],
];

const CLIENTS = [
  ["omnio io() defaults", { client: "omnio" }],
  ["socket.io-client defaults", { client: "sio" }],
  ["socket.io-client tryAllTransports", { client: "sio", sioTryAll: "1" }],
];

export async function run(ctx) {
  const { log = () => {} } = ctx;
  const { startFaultProxy } = await importTs("test/harness/fault-proxy.ts");
  // Untimed warm-up: the first pages pay for cold caches and JIT.
  for (const [, params] of CLIENTS) await once(ctx, SCENARIOS[0][1], params, startFaultProxy);
  const rows = [];
  for (const [scenario, faults] of SCENARIOS) {
    for (const [client, params] of CLIENTS) {
      const result = await once(ctx, faults, params, startFaultProxy);
      const row = { scenario, client };
      if (result.error) row.error = result.error.split("\n")[0];
      else Object.assign(row, { firstEventMs: result.firstEventMs, finalTransport: result.finalTransport, finalAtMs: result.finalAtMs, changes: result.changes });
      log(`fallback: ${scenario}, ${client}: ${row.error ?? `first event ${fixed(row.firstEventMs, 0)} ms, ${row.finalTransport} at ${fixed(row.finalAtMs, 0)} ms`}`);
      rows.push(row);
    }
  }
  return rows;
}

/** One page run behind a fresh proxy (fresh origin: no transport memory carried over). */
async function once(ctx, faults, params, startFaultProxy) {
  const proxy = await startFaultProxy({ target: ctx.servers.origins.stock, scenario: faults, maxLifetimeMs: 60_000 });
  try {
    return await measurePage(ctx, proxy.origin, { mode: "fallback", ...params }, 40_000);
  } catch (error) {
    return { error: String(error) };
  } finally {
    await proxy.close();
  }
}

export function format(rows) {
  const lines = [
    "| scenario | client | io() → first event ms | final transport | io() → final transport ms | path |",
    "|---|---|---:|---|---:|---|",
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.scenario} | ${r.client} | error: ${r.error.replace(/\|/g, "/")} | | | |`);
      continue;
    }
    const first = r.firstEventMs === null ? "none in 10 s" : fixed(r.firstEventMs, 0);
    const path = r.changes.map((c) => `${c.name} @${fixed(c.atMs, 0)}`).join(" → ");
    lines.push(`| ${r.scenario} | ${r.client} | ${first} | ${r.finalTransport ?? "none"} | ${r.firstEventMs === null ? "–" : fixed(r.finalAtMs, 0)} | ${path || "–"} |`);
  }
  return lines.join("\n");
}

// Section "Fallback": behind the network-fault proxy (test/harness/fault-proxy.ts), per scenario, how long from
// `io()` to the first event the server sends on connection, which transport the client ends on and when —
// omnio's `io()` preset with its defaults against socket.io-client with its defaults and with
// `tryAllTransports: true`, all in Chromium against the same stock socket.io@4.8 server; then omnio alone against
// @omnio/server, which also serves the streaming transports omnio can fall back to. A fresh proxy (so a
// fresh origin: no transport memory carried over) and a fresh browser context per run. The page stops watching
// once the client is on WebSocket (nothing better on these servers) or 5 s (omnio; socket.io-client: 2.5 s, it has
// no upgrade deadline) passed without a change; a client
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
  ["buffering proxy and WebSocket refused", { bufferResponses: true, refuseWebSocket: 403 }],
];

const CLIENTS = [
  ["omnio io() defaults", { client: "omnio" }],
  ["socket.io-client defaults", { client: "sio" }],
  ["socket.io-client tryAllTransports", { client: "sio", sioTryAll: "1" }],
];
/** [server label, origin key, clients]: the peers only on the stock server (they behave alike on ours). */
const SERVERS = [
  ["socket.io@4.8", "stock", CLIENTS],
  ["@omnio/server", "omnio", CLIENTS.slice(0, 1)],
];

export async function run(ctx) {
  const { log = () => {} } = ctx;
  const { startFaultProxy } = await importTs("test/harness/fault-proxy.ts");
  // Untimed warm-up: the first pages pay for cold caches and JIT.
  for (const [, params] of CLIENTS.slice(0, 2)) await once(ctx, "stock", SCENARIOS[0][1], params, startFaultProxy);
  const rows = [];
  for (const [server, key, clients] of SERVERS) for (const [scenario, faults] of SCENARIOS) {
    for (const [client, params] of clients) {
      const result = await once(ctx, key, faults, params, startFaultProxy);
      const row = { server, scenario, client };
      if (result.error) row.error = result.error.split("\n")[0];
      else Object.assign(row, { firstEventMs: result.firstEventMs, finalTransport: result.finalTransport, finalAtMs: result.finalAtMs, changes: result.changes });
      log(`fallback: ${server}, ${scenario}, ${client}: ${row.error ?? `first event ${fixed(row.firstEventMs, 0)} ms, ${row.finalTransport} at ${fixed(row.finalAtMs, 0)} ms`}`);
      rows.push(row);
    }
  }
  return rows;
}

/** One page run behind a fresh proxy (fresh origin: no transport memory carried over). */
async function once(ctx, server, faults, params, startFaultProxy) {
  const proxy = await startFaultProxy({ target: ctx.servers.origins[server], scenario: faults, maxLifetimeMs: 60_000 });
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
    "| server | scenario | client | io() → first event ms | final transport | io() → final transport ms | path (transport @ ms since io()) |",
    "|---|---|---|---:|---|---:|---|",
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.server} | ${r.scenario} | ${r.client} | error: ${r.error.replace(/\|/g, "/")} | | | |`);
      continue;
    }
    const first = r.firstEventMs === null ? "none in 10 s" : fixed(r.firstEventMs, 0);
    const path = r.changes.map((c) => `${c.name} @${fixed(c.atMs, 0)}`).join(" → ");
    lines.push(`| ${r.server} | ${r.scenario} | ${r.client} | ${first} | ${r.finalTransport ?? "none"} | ${r.firstEventMs === null ? "–" : fixed(r.finalAtMs, 0)} | ${path || "–"} |`);
  }
  return lines.join("\n");
}

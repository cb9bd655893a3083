// Section "Node": the client, WebSocket and long-polling transports in Node, peers side by side in one run.
// omnio's client (`connect` + `websocket({ WebSocket: ws })` / `polling()`), socket.io-client@4.8 (production
// build) and raw `ws` frames (the ceiling: one frame per event), all against servers in a child process
// (../servers.mjs) so the server's CPU never shares the client's thread. Per (server, transport, client):
//   one-way events/s, client→server, counted by the server (N emits, then an acked "end" answers the count:
//   one connection keeps order, so the answer means all N arrived), and client CPU µs per event
//   (process.cpuUsage around that phase); ack round trip p50/p99 over 2,000 sequential acks; connect median of 20.
// Method: an untimed warm-up pass over every setting, then ROUNDS rounds in rotating client order; medians.
import WebSocket from "ws";
import { connect } from "../../packages/client/dist/index.mjs";
import { websocket } from "../../packages/websocket/dist/index.mjs";
import { polling } from "../../packages/polling/dist/index.mjs";
import { loadSocketIoClient } from "./lib/sio-production.mjs";
import { deadline, fixed, goal, kilo, median, once, quantile, turn } from "./lib/stats.mjs";

export const title = "Node: client → server events, acks, connect (WebSocket and long polling)";

const ROUNDS = 4;
const EVENTS = { websocket: 60_000, polling: 60_000 };
const ACKS = 2000;
const CONNECTS = 20;
const CHUNK = 500;

/** A Socket.IO client (omnio or socket.io-client) behind the few calls the phases need. */
function socketIoHandle(s) {
  return {
    ready: once(s, "connect", 15_000, "connect"),
    emit: (i) => s.emit("e", i),
    end: () => s.emitWithAck("end"),
    // No per-ack timeout (it adds a timer per call on both clients); the whole phase has one deadline.
    ack: (i) => s.emitWithAck("ack", i),
    close: () => s.disconnect(),
    transport: () => s.io.transport ?? s.io.engine?.transport?.name,
  };
}

/** Raw ws: one text frame per event; "end" answers the count, "p…" is echoed. */
function rawHandle(url) {
  const ws = new WebSocket(url);
  let reply;
  ws.on("message", (d) => reply?.(d.toString()));
  const next = () => new Promise((resolve) => (reply = resolve));
  return {
    ready: once(ws, "open", 15_000, "raw ws open"),
    emit: (i) => ws.send(`["e",${i}]`),
    end: () => (ws.send("end"), next().then(Number)),
    ack: (i) => (ws.send("p" + i), next()),
    close: () => ws.close(),
    transport: () => "websocket",
  };
}

function clients(sio, origins) {
  return [
    {
      client: "omnio",
      make: (server, transport) =>
        socketIoHandle(
          connect(origins[server], {
            transports: [transport === "websocket" ? websocket({ WebSocket }) : polling()],
            forceNew: true,
            reconnection: false,
          }),
        ),
    },
    {
      client: "socket.io-client",
      make: (server, transport) => socketIoHandle(sio(origins[server], { transports: [transport], forceNew: true, reconnection: false })),
    },
    { client: "raw ws", only: "websocket", make: () => rawHandle(origins.raw) },
  ];
}

async function throughput(make, n) {
  const h = make();
  await h.ready;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < n; ) {
    for (const end = Math.min(n, i + CHUNK); i < end; i++) h.emit(i);
    await turn();
  }
  const got = await deadline(h.end(), 120_000, "throughput end");
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const transport = h.transport();
  h.close();
  if (got !== n) throw new Error(`server counted ${got} of ${n} events`);
  return { eventsPerSec: (n * 1000) / ms, cpuUsPerEvent: (cpu.user + cpu.system) / n, transport };
}

async function acks(make, n) {
  const h = make();
  await h.ready;
  const rtts = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await h.ack(i);
    rtts.push(performance.now() - t0);
  }
  h.close();
  return rtts;
}

async function connects(make, n) {
  const times = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const h = make();
    await h.ready;
    times.push(performance.now() - t0);
    h.close();
  }
  return times;
}

/** Runs the section; `servers` is the child from lib/servers-process.mjs. Returns one row per setting. */
export async function run({ servers, log = () => {} }) {
  const sio = await loadSocketIoClient();
  const settings = [];
  for (const server of ["stock", "omnio"]) {
    for (const transport of ["websocket", "polling"]) {
      for (const c of clients(sio, servers.origins)) {
        if (c.only && c.only !== transport) continue;
        // raw ws has its own server: measure it once, beside the stock server's rows.
        if (c.client === "raw ws" && server !== "stock") continue;
        settings.push({ server, transport, client: c.client, make: () => c.make(server, transport), tp: [], cpu: [] });
      }
    }
  }
  // A setting that fails (broken client, lost events) becomes an error row; the others still run.
  const guard = async (s, what, phase) => {
    if (s.error) return null;
    try {
      return await phase();
    } catch (error) {
      s.error = `${what}: ${error?.message ?? error}`;
      log(`node: ${s.client} ${s.transport} on ${s.server}: ${s.error}`);
      return null;
    }
  };
  log(`node: warm-up over ${settings.length} settings`);
  for (const s of settings) {
    await guard(s, "warm-up", async () => {
      await deadline(throughput(s.make, 5_000), 60_000, `${s.client} warm-up events`);
      await deadline(acks(s.make, 200), 60_000, `${s.client} warm-up acks`);
      await deadline(connects(s.make, 3), 60_000, `${s.client} warm-up connects`);
    });
  }
  for (let r = 0; r < ROUNDS; r++) {
    const order = settings.map((_, i) => settings[(i + r) % settings.length]);
    for (const s of order) {
      await guard(s, "events", async () => {
        const t = await deadline(throughput(s.make, EVENTS[s.transport]), 120_000, `${s.client} events`);
        if (t.transport !== s.transport) throw new Error(`${s.client} ran on ${t.transport}, not ${s.transport}`);
        s.tp.push(t.eventsPerSec);
        s.cpu.push(t.cpuUsPerEvent);
      });
    }
    log(`node: throughput round ${r + 1}/${ROUNDS} done`);
  }
  const rows = [];
  for (const s of settings) {
    const rtts = await guard(s, "acks", () => deadline(acks(s.make, ACKS), 120_000, `${s.client} acks`));
    const conn = await guard(s, "connects", () => deadline(connects(s.make, CONNECTS), 60_000, `${s.client} connects`));
    const server = s.server === "stock" ? "socket.io@4.8" : "@omnio/server";
    if (s.error) {
      rows.push({ server, transport: s.transport, client: s.client, error: s.error });
      continue;
    }
    rows.push({
      server,
      transport: s.transport,
      client: s.client,
      eventsPerSec: median(s.tp),
      cpuUsPerEvent: median(s.cpu),
      ackP50Ms: median(rtts),
      ackP99Ms: quantile(rtts, 0.99),
      connectMedianMs: median(conn),
    });
  }
  return withGoals(rows);
}

/** Ratios against socket.io-client (same server + transport) and raw ws (its own server), and the goals. */
function withGoals(rows) {
  const raw = rows.find((r) => r.client === "raw ws" && !r.error);
  for (const r of rows) {
    if (r.error) continue;
    const peer = rows.find((p) => p.client === "socket.io-client" && p.server === r.server && p.transport === r.transport && !p.error);
    r.vsRawWs = raw ? r.eventsPerSec / raw.eventsPerSec : null;
    r.cpuVsSocketIoClient = peer ? r.cpuUsPerEvent / peer.cpuUsPerEvent : null;
    r.throughputVsSocketIoClient = peer ? r.eventsPerSec / peer.eventsPerSec : null;
    if (r.client !== "omnio") continue;
    r.goals = {
      // Goals from the issue; the throughput and ack goals are WebSocket goals (polling pays an HTTP round trip).
      throughputAtLeast095RawWs: r.transport === "websocket" && r.vsRawWs !== null ? r.vsRawWs >= 0.95 : null,
      cpuAtMost075SocketIoClient: r.cpuVsSocketIoClient !== null ? r.cpuVsSocketIoClient <= 0.75 : null,
      ackP50AtMost009ms: r.transport === "websocket" ? r.ackP50Ms <= 0.09 : null,
    };
  }
  return rows;
}

export function format(rows) {
  const lines = [
    `${EVENTS.websocket.toLocaleString("en-US")} one-way events per round, median of ${ROUNDS} rounds; CPU = the client process's user + system time per event;`,
    `acks: ${ACKS.toLocaleString("en-US")} sequential; connect: median of ${CONNECTS}. socket.io-client runs its production build (build/esm: Node's`,
    "default export condition would load build/esm-debug). Goals are checked on omnio's rows (throughput and ack goals: WebSocket only).",
    "",
    "| server | transport | client | events/s | vs raw ws | vs socket.io-client | client CPU µs/event | CPU vs socket.io-client | ack p50 / p99 ms | connect median ms | goals (≥0.95× ws · ≤0.75× CPU · ack p50 ≤0.09 ms) |",
    "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---|",
  ];
  for (const r of rows) {
    if (r.error) {
      lines.push(`| ${r.server} | ${r.transport} | ${r.client} | not measured: ${r.error.replace(/\|/g, "/")} | | | | | | | |`);
      continue;
    }
    const g = r.goals;
    const goals = g ? [g.throughputAtLeast095RawWs, g.cpuAtMost075SocketIoClient, g.ackP50AtMost009ms].map((x) => (x === null ? "n/a" : goal(x))).join(" · ") : "";
    const vsPeer = r.client === "socket.io-client" || r.client === "raw ws" ? "" : fixed(r.throughputVsSocketIoClient) + "×";
    lines.push(
      `| ${r.server} | ${r.transport} | ${r.client} | ${kilo(r.eventsPerSec)} | ${fixed(r.vsRawWs)}× | ${vsPeer} | ${fixed(r.cpuUsPerEvent)} | ${
        r.client === "omnio" ? fixed(r.cpuVsSocketIoClient) + "×" : ""
      } | ${fixed(r.ackP50Ms, 3)} / ${fixed(r.ackP99Ms, 3)} | ${fixed(r.connectMedianMs)} | ${goals} |`,
    );
  }
  return lines.join("\n");
}

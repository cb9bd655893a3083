// The benchmark page's script. Query: run (id echoed back), mode ("latency" | "fallback"), client ("omnio" |
// "sio"), transport (latency mode), sioTryAll (fallback mode). Everything is timed on the clock the server shares
// (performance.timeOrigin + performance.now()); the result is POSTed to /bench/samples whatever happens.
const q = new URLSearchParams(location.search);
const run = q.get("run");
const mode = q.get("mode");
const clientName = q.get("client");
const now = () => performance.timeOrigin + performance.now();

/** omnio transport name → [package, factory export]. */
const FACTORIES = {
  websocket: ["@omnio/websocket", "websocket"],
  polling: ["@omnio/polling", "polling"],
  "xhr-multipart": ["@omnio/xhr-multipart", "xhrMultipart"],
  htmlfile: ["@omnio/iframe", "iframe"],
  jsonp: ["@omnio/jsonp", "jsonp"],
  flashsocket: ["@omnio/flash-bridge", "flashBridge"],
};
/** Factory options, from the transport's module: the Flash bridge runs bridge.swf under Ruffle, loaded on demand
 * (its `loadRuffle`) from the repo's node_modules. */
const FACTORY_OPTIONS = { flashsocket: (mod) => ({ ruffle: mod.loadRuffle("/node_modules/@ruffle-rs/ruffle/") }) };

function loadScript(src) {
  return new Promise((resolve, reject) => {
    const s = document.createElement("script");
    s.src = src;
    s.onload = resolve;
    s.onerror = () => reject(new Error(`failed to load ${src}`));
    document.head.append(s);
  });
}

/** A connected-or-connecting socket and a function naming its current transport. */
async function open(options) {
  if (clientName === "sio") {
    await loadScript("/node_modules/socket.io-client/dist/socket.io.min.js");
    const t0 = now();
    const socket = window.io(location.origin, { forceNew: true, ...options.sio });
    return { socket, t0, transport: () => socket.io.engine?.transport?.name ?? null };
  }
  if (options.transport) {
    const [{ connect }, mod] = await Promise.all([import("@omnio/client"), import(FACTORIES[options.transport][0])]);
    const factory = mod[FACTORIES[options.transport][1]];
    const t0 = now();
    const socket = connect(location.origin, { forceNew: true, reconnection: false, transports: [factory(FACTORY_OPTIONS[options.transport]?.(mod))] });
    return { socket, t0, transport: () => socket.io.transport };
  }
  const { io } = await import("omnio");
  const t0 = now();
  const socket = io(location.origin, { forceNew: true });
  return { socket, t0, transport: () => socket.io.transport };
}

const timeout = (ms, what) => new Promise((_, reject) => setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms));

/** Steady stream and bursts, server → page. */
async function latency() {
  const transport = q.get("transport");
  const connectTo = async () => {
    const opened = await open({ transport, sio: { transports: [transport], reconnection: false } });
    const welcome = new Promise((r) => opened.socket.once("welcome", () => r(now() - opened.t0)));
    await Promise.race([new Promise((r) => opened.socket.once("connect", r)), timeout(30_000, "connect")]);
    return { ...opened, connectMs: now() - opened.t0, firstEventMs: await Promise.race([welcome, timeout(10_000, "welcome")]) };
  };
  const { socket, transport: current, connectMs, firstEventMs } = await connectTo();
  // A second socket while the first is up: io() → first event with whatever the first one loaded (the Flash
  // bridge's SWF and Ruffle) already there.
  let second = null;
  if (q.get("second") === "1") {
    const s2 = await connectTo();
    second = { connectMs: s2.connectMs, firstEventMs: s2.firstEventMs };
    s2.socket.disconnect();
  }
  const nBursts = Number(q.get("bursts") ?? 3);
  let sink = null;
  socket.on("t", (m) => sink?.(m, now()));
  /** Collects `n` "t" events after `start()`; resolves with [message, arrival] pairs (partial at the deadline). */
  const collect = (n, ms, start) =>
    new Promise((resolve) => {
      const got = [];
      const timer = setTimeout(() => resolve(got), ms);
      sink = (m, at) => {
        got.push([m, at]);
        if (got.length === n) clearTimeout(timer), resolve(got);
      };
      start();
    });
  const steady = (n) => collect(n, n * 20 + 15_000, () => socket.emit("steady", { n, intervalMs: 20 }));
  const burst = async (n) => {
    const got = await collect(n, 30_000, () => socket.emit("burst", { n }));
    return got.length === n ? got[n - 1][1] - got[0][0].sent : null;
  };
  // Untimed warm-up (JIT, connection), then the measured passes.
  await steady(50);
  if (nBursts) await burst(1000);
  const s = await steady(300);
  const bursts = [];
  for (let i = 0; i < nBursts; i++) bursts.push(await burst(1000));
  const result = {
    connectMs,
    firstEventMs,
    second,
    transport: current(),
    steady: s.map(([m, at]) => at - m.sent),
    steadyLost: 300 - s.length,
    bursts,
  };
  socket.disconnect();
  return result;
}

/** From io() to the first event, and to the transport the client settles on, behind a faulty proxy. */
async function fallback() {
  const sioOptions = q.get("sioTryAll") === "1" ? { tryAllTransports: true } : {};
  const changes = [];
  const { socket, t0, transport: current } = await open({ sio: sioOptions });
  const note = (name) => name && name !== changes.at(-1)?.name && changes.push({ name, atMs: now() - t0 });
  if (clientName === "sio") {
    socket.io.on("open", () => {
      note(current());
      socket.io.engine.on("upgrade", (t) => note(t.name));
    });
  } else {
    socket.io.on("transport", (e) => note(e.name));
  }
  const first = await Promise.race([
    new Promise((r) => socket.once("welcome", () => r(now() - t0))),
    new Promise((r) => setTimeout(() => r(null), 10_000)),
  ]);
  note(current());
  if (first !== null) {
    // Settle: stop at WebSocket (nothing better on these servers), or once no change came for `quiet` ms (cap
    // 15 s). omnio gives a silent upgrade probe 3–10 s before it tries the next candidate, so it gets 5 s;
    // socket.io-client has no probe deadline (a hung upgrade waits forever), so 2.5 s shows all it will do.
    const quiet = clientName === "sio" ? 2500 : 5000;
    const end = t0 + 15_000;
    await new Promise((resolve) => {
      const tick = () => {
        note(current());
        const last = changes.at(-1);
        if (current() === "websocket" || now() > end || now() - t0 - (last?.atMs ?? 0) > quiet) return resolve();
        setTimeout(tick, 25);
      };
      tick();
    });
  }
  // Without an event the client never got anywhere: its current transport is only its latest attempt.
  const final = first === null ? null : current();
  const result = { firstEventMs: first, finalTransport: final, finalAtMs: final && (changes.at(-1)?.atMs ?? null), changes };
  socket.disconnect();
  return result;
}

let result;
try {
  result = { run, crossOriginIsolated: window.crossOriginIsolated, ...(await (mode === "latency" ? latency() : fallback())) };
} catch (error) {
  result = { run, error: String(error?.stack ?? error) };
}
await fetch("/bench/samples", { method: "POST", body: JSON.stringify(result) });

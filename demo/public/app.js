// The demo page: a chat on namespace /chat over omnio's CDN build (global `io`), and the wiring of the transport
// panel and the network weather. Each (re)connection with other transports is a fresh Manager; the Outbox
// carries over what was written but not acknowledged.
import { ChatView } from "./chat-view.js";
import { TRANSPORTS, TransportPanel } from "./transport-panel.js";
import { WeatherControl } from "./weather-control.js";
import { ensureRuffle } from "./flash.js";
import { Outbox } from "./outbox.js";

const LATENCY_EVERY_MS = 3000;
const LATENCY_TIMEOUT_MS = 5000;
const TYPING_EVERY_MS = 1500;
const MAX_FILE_BYTES = 1024 * 1024;
const NICK_STORE = "omnio-demo:nick";

const pageId = randomId();
const state = {
  nick: "",
  rooms: ["lobby"],
  active: "lobby",
  /** The live Socket (namespace /chat), replaced on every reconnect with other transports. */
  socket: null,
  generation: 0,
  lastTyping: 0,
  latencyTimer: undefined,
  weather: "clear",
};

const statusEl = document.getElementById("status");
const statusText = document.getElementById("status-text");
const setStatus = (kind, text) => {
  statusEl.dataset.state = kind;
  statusText.textContent = text;
};

const view = new ChatView({
  onRoom: (room) => showRoom(room),
  onLeave: (room) => leaveRoom(room),
  onUnread: () => view.setRooms(state.rooms, state.active),
});
const outbox = new Outbox(view);
const panel = new TransportPanel({ onApply: () => connect("switches changed") });
const weather = new WeatherControl(pageId, {
  onChange: (value) => {
    const was = state.weather;
    state.weather = value;
    panel.log("weather", value);
    // Offline cuts the session on the server; back from offline, the Manager's own reconnection finds out.
    // Any other change shows on a new connection.
    if (value !== "offline" && was !== "offline" && state.socket) connect(`weather: ${value}`);
  },
  onError: (message) => panel.log("error", message),
});
panel.setAvailable(TRANSPORTS.map((t) => t.name).filter(knownToClient));

// ---- connection ---------------------------------------------------------------------------------------

async function connect(why) {
  const gen = ++state.generation;
  teardown();
  panel.reset();
  const transports = panel.enabled();
  if (!transports.length) {
    panel.setRows([]);
    return setStatus("error", "No transport switched on: switch one on and reconnect");
  }
  setStatus("connecting", "Connecting…");
  if (transports.includes("flashsocket") && !(await ensureRuffle())) panel.log("flash", "Ruffle could not be loaded: no Flash socket here");
  if (gen !== state.generation) return;
  panel.log("connect", `${transports.join(", ")} (${why})`);
  const socket = io(location.origin + "/chat", {
    transports,
    forceNew: true,
    query: { page: pageId },
    // A function: read at every (re)connection, so the server puts us back in our rooms before buffered emits.
    auth: (cb) => cb({ nick: state.nick, rooms: state.rooms }),
    reconnectionDelay: 500,
    reconnectionDelayMax: 3000,
  });
  state.socket = socket;
  wire(socket);
  panel.setRows(socket.io.ranking());
}

function teardown() {
  const old = state.socket;
  state.socket = null;
  clearInterval(state.latencyTimer);
  if (!old) return;
  old.io.off();
  old.off();
  old.disconnect();
  // What it held goes out again on the next socket (Outbox.connected).
}

function wire(socket) {
  const m = socket.io;
  const mine = () => state.socket === socket;
  m.on("transport", ({ name, previous, reason }) => {
    panel.log("transport", previous ? `${previous} → ${name} (${reason})` : `${name} (${reason})`);
    const row = m.ranking().find((r) => r.name === name);
    const why = reason === "upgrade" ? `upgraded from ${previous}` : "opened the session";
    panel.setRows(m.ranking());
    panel.setCurrent(name, row ? `${why} · ${row.reason}` : why);
  });
  m.on("upgrade", ({ name, previous }) => panel.log("upgrade", `${previous} → ${name}`));
  m.on("upgradeError", ({ name, error }) => {
    panel.log("upgradeError", `${name}: ${error?.message ?? error}`);
    panel.failed(name, String(error?.message ?? error));
  });
  m.on("close", (reason) => mine() && panel.setCurrent(null, `session closed: ${reason}`));
  m.on("reconnect_attempt", (n) => {
    setStatus("reconnecting", `Reconnecting (attempt ${n})…`);
    panel.log("reconnect_attempt", `attempt ${n}`);
  });
  m.on("reconnect", (n) => panel.log("reconnect", `after ${n} attempt${n === 1 ? "" : "s"}`));

  socket.on("connect", () => {
    setStatus("connected", `Connected as ${state.nick}`);
    outbox.connected(socket);
    startLatency(socket);
    refreshMembers(state.active);
  });
  socket.on("disconnect", (reason) => {
    clearInterval(state.latencyTimer);
    setStatus("offline", `Disconnected (${reason}): messages wait for the reconnection`);
    panel.log("disconnect", reason);
    outbox.disconnected(socket);
  });
  socket.on("connect_error", (err) => {
    setStatus("offline", `Cannot connect: ${err?.message ?? err}`);
    panel.log("connect_error", err?.message ?? String(err));
  });
  socket.on("server-transport", (name) => panel.log("server", `the server moved this session to ${name}`));
  socket.on("message", (msg) => view.other(msg));
  socket.on("notice", ({ room, text }) => {
    view.notice(room, text);
    refreshMembers(room);
  });
  socket.on("typing", ({ room, nick }) => view.peerTyping(room, nick));
  socket.on("file", (meta, data) => view.file(meta, data));
}

function startLatency(socket) {
  clearInterval(state.latencyTimer);
  const tick = () => {
    if (state.socket !== socket || !socket.connected) return;
    const t0 = performance.now();
    socket.timeout(LATENCY_TIMEOUT_MS).emit("latency", t0, (err) => {
      if (state.socket === socket) panel.sample(err ? null : performance.now() - t0);
    });
  };
  tick();
  state.latencyTimer = setInterval(tick, LATENCY_EVERY_MS);
}

// ---- rooms -----------------------------------------------------------------------------------------------

function showRoom(room) {
  state.active = room;
  view.setRooms(state.rooms, room);
  refreshMembers(room);
}

function joinRoom(room) {
  if (state.rooms.includes(room)) return showRoom(room);
  const socket = state.socket;
  if (!socket) return;
  socket.emit("join", room, (res) => {
    if (!res?.ok) return view.notice(state.active, `Cannot join #${room}: ${res?.error ?? "refused"}`);
    if (!state.rooms.includes(room)) state.rooms.push(room);
    showRoom(room);
    view.setMembers(room, res.members ?? []);
  });
}

function leaveRoom(room) {
  state.rooms = state.rooms.filter((r) => r !== room);
  state.socket?.emit("leave", room);
  view.forget(room);
  showRoom(state.active === room ? "lobby" : state.active);
}

function refreshMembers(room) {
  const socket = state.socket;
  if (!socket?.connected) return;
  socket.emit("members", room, (nicks) => Array.isArray(nicks) && view.setMembers(room, nicks));
}

// ---- forms -----------------------------------------------------------------------------------------------

const login = document.getElementById("login");
const nickInput = document.getElementById("nick");
nickInput.value = new URLSearchParams(location.search).get("nick") ?? safeGet(NICK_STORE) ?? "";
login.addEventListener("submit", (event) => {
  event.preventDefault();
  const nick = nickInput.value.trim();
  if (!nick) return nickInput.focus();
  state.nick = nick;
  safeSet(NICK_STORE, nick);
  login.hidden = true;
  document.getElementById("chat-ui").hidden = false;
  view.setRooms(state.rooms, state.active);
  document.getElementById("text").focus();
  connect("page opened");
});

document.getElementById("join-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const input = document.getElementById("room-name");
  const room = input.value.trim().toLowerCase();
  if (!room) return;
  input.value = "";
  joinRoom(room);
});

const text = document.getElementById("text");
document.getElementById("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = text.value.trim();
  if (!value) return;
  text.value = "";
  const msg = { id: randomId(), room: state.active, text: value };
  outbox.send(state.socket, "message", [msg], view.own(msg, "sending"));
});
text.addEventListener("input", () => {
  const socket = state.socket;
  const now = Date.now();
  if (!socket?.connected || !text.value || now - state.lastTyping < TYPING_EVERY_MS) return;
  state.lastTyping = now;
  // volatile: a typing hint that can't go out now is worthless later
  socket.volatile.emit("typing", state.active);
});

const fileInput = document.getElementById("file");
fileInput.addEventListener("change", async () => {
  const file = fileInput.files?.[0];
  fileInput.value = "";
  if (!file) return;
  if (file.size > MAX_FILE_BYTES) return view.notice(state.active, `${file.name} is larger than 1 MB: not sent`);
  const data = await file.arrayBuffer();
  const meta = { id: randomId(), room: state.active, name: file.name, type: file.type || "application/octet-stream", size: file.size };
  outbox.send(state.socket, "file", [meta, data], view.file(meta, data, "sending"));
});

if (nickInput.value && new URLSearchParams(location.search).has("nick")) login.requestSubmit();

// For the browser test and curious users: `demo.socket.io.transport`, `demo.socket.io.ranking()`.
window.demo = {
  get socket() {
    return state.socket;
  },
  pageId,
  weather,
};

// ---- helpers ---------------------------------------------------------------------------------------------

/** Whether this client build knows the transport name (`io()` throws for unknown names). */
function knownToClient(name) {
  try {
    io(location.origin + "/probe", { transports: [name], autoConnect: false, forceNew: true });
    return true;
  } catch {
    return false;
  }
}

function randomId() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_");
}

function safeGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key, value) {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode: nothing remembered
  }
}

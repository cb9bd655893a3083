// The transport panel: which transport carries the session and why (the rows of `socket.io.ranking()`), the
// switches that choose the transports of the next connection, the history of `transport` / `upgrade` /
// `upgradeError` events, and the latency of an ack round trip.

/** omnio's transports, best first (the order `io()` is given). */
export const TRANSPORTS = [
  { name: "websocket", label: "WebSocket", kind: "duplex" },
  { name: "flashsocket", label: "Flash socket", kind: "duplex · bridge.swf under Ruffle" },
  { name: "xhr-multipart", label: "XHR multipart", kind: "streaming" },
  { name: "htmlfile", label: "Forever iframe", kind: "streaming · htmlfile" },
  { name: "polling", label: "XHR long polling", kind: "polling" },
  { name: "jsonp", label: "JSONP polling", kind: "polling · no CORS needed" },
];

const STORE = "omnio-demo:transports";
/** Scores from this up are healthy; below, ranked down (@omnio/client's HEALTHY_SCORE). */
const HEALTHY_SCORE = 100;
/** Where omnio keeps what each transport did on each origin (@omnio/client's MEMORY_STORAGE_KEY). */
const MEMORY_KEY = "omnio:transports:v1";
const HISTORY_LIMIT = 60;
const SAMPLES = 30;

export class TransportPanel {
  /** @param {{ onApply(): void }} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = document.getElementById("ranking");
    this.history = document.getElementById("history");
    this.current = document.getElementById("current-transport");
    this.why = document.getElementById("current-why");
    this.badge = document.getElementById("transport-badge");
    this.latency = document.getElementById("latency");
    this.spark = document.querySelector("#spark polyline");
    /** Names the loaded client build knows. */
    this.available = new Set(TRANSPORTS.map((t) => t.name));
    /** Names that failed an upgrade or handshake during the current connection: name → message. */
    this.failures = new Map();
    this.samples = [];
    this.rows = [];
    this.now = null;
    this.enabledSet = new Set(load() ?? TRANSPORTS.map((t) => t.name));
    document.getElementById("apply").addEventListener("click", () => hooks.onApply());
    document.getElementById("forget").addEventListener("click", () => {
      try {
        localStorage.removeItem(MEMORY_KEY);
      } catch {
        // no storage: omnio remembered in memory only, and a new Manager starts afresh anyway
      }
      this.log("memory", "forgot what this origin's transports did");
      hooks.onApply();
    });
    document.getElementById("all-on").addEventListener("click", () => {
      this.enabledSet = new Set(TRANSPORTS.map((t) => t.name));
      save(this.enabledSet);
      hooks.onApply();
    });
  }

  /** Transports switched on and known to the build, best first. */
  enabled() {
    return TRANSPORTS.map((t) => t.name).filter((n) => this.enabledSet.has(n) && this.available.has(n));
  }

  setAvailable(names) {
    this.available = new Set(names);
    this.render();
  }

  /** Use only `name` from now on and reconnect. */
  only(name) {
    this.enabledSet = new Set([name]);
    save(this.enabledSet);
    this.hooks.onApply();
  }

  /** A new connection starts: forget this connection's failures. */
  reset() {
    this.failures.clear();
    this.setCurrent(null, "");
  }

  /** @param {Array<{name: string, supported: boolean, reason: string, score: number, last: string|null, rttMs: number|null}>} rows */
  setRows(rows) {
    this.rows = rows;
    this.render();
  }

  setCurrent(name, why) {
    this.now = name;
    this.current.textContent = name ?? "—";
    this.badge.textContent = name ?? "—";
    this.badge.dataset.transport = name ?? "";
    this.why.textContent = why;
    this.render();
  }

  /** One line of history, newest first. */
  log(kind, text) {
    const li = document.createElement("li");
    li.dataset.kind = kind;
    const time = document.createElement("time");
    const now = new Date();
    time.dateTime = now.toISOString();
    time.textContent = now.toLocaleTimeString([], { hour12: false }) + "." + String(now.getMilliseconds()).padStart(3, "0");
    const tag = document.createElement("span");
    tag.className = "kind";
    tag.textContent = kind;
    const body = document.createElement("span");
    body.className = "text";
    body.textContent = text;
    li.append(time, tag, body);
    this.history.prepend(li);
    while (this.history.children.length > HISTORY_LIMIT) this.history.lastElementChild.remove();
  }

  failed(name, message) {
    this.failures.set(name, message);
    this.render();
  }

  /** A latency sample in ms, or null when the ack did not come back. */
  sample(ms) {
    this.latency.textContent = ms === null ? "no answer" : `${ms < 10 ? ms.toFixed(1) : Math.round(ms)} ms`;
    this.samples.push(ms);
    if (this.samples.length > SAMPLES) this.samples.shift();
    const known = this.samples.filter((s) => s !== null);
    const max = Math.max(20, ...known);
    const step = 120 / (SAMPLES - 1);
    const offset = SAMPLES - this.samples.length;
    const points = [];
    this.samples.forEach((s, i) => {
      if (s !== null) points.push(`${((offset + i) * step).toFixed(1)},${(22 - (s / max) * 20).toFixed(1)}`);
    });
    this.spark.setAttribute("points", points.join(" "));
  }

  render() {
    const byName = new Map(this.rows.map((r) => [r.name, r]));
    // Ranked rows first (in ranking order), then what was not part of this connection.
    const order = [...this.rows.map((r) => r.name), ...TRANSPORTS.map((t) => t.name).filter((n) => !byName.has(n))];
    const items = order.map((name) => this.item(TRANSPORTS.find((t) => t.name === name), byName.get(name)));
    this.list.replaceChildren(...items);
  }

  item(t, row) {
    const li = document.createElement("li");
    li.className = "rank-row";
    li.dataset.transport = t.name;
    const state = this.stateOf(t, row);
    li.dataset.state = state.key;

    const id = `switch-${t.name}`;
    const toggle = document.createElement("input");
    toggle.type = "checkbox";
    toggle.id = id;
    toggle.setAttribute("role", "switch");
    toggle.checked = this.enabledSet.has(t.name) && this.available.has(t.name);
    toggle.disabled = !this.available.has(t.name);
    toggle.addEventListener("change", () => {
      if (toggle.checked) this.enabledSet.add(t.name);
      else this.enabledSet.delete(t.name);
      save(this.enabledSet);
    });
    const label = document.createElement("label");
    label.htmlFor = id;
    label.className = "rank-name";
    const strong = document.createElement("strong");
    strong.textContent = t.label;
    const small = document.createElement("small");
    small.textContent = `${t.name} · ${t.kind}`;
    label.append(strong, small);

    const pill = document.createElement("span");
    pill.className = "pill";
    pill.dataset.state = state.key;
    pill.textContent = state.text;

    const only = document.createElement("button");
    only.type = "button";
    only.className = "only";
    only.textContent = "Only";
    only.setAttribute("aria-label", `Use only ${t.label} and reconnect`);
    only.disabled = !this.available.has(t.name);
    only.addEventListener("click", () => this.only(t.name));

    const why = document.createElement("p");
    why.className = "rank-why";
    why.textContent = state.why;

    li.append(toggle, label, pill, only, why);
    return li;
  }

  stateOf(t, row) {
    if (!this.available.has(t.name)) return { key: "missing", text: "not available", why: "this client build has no such transport yet" };
    if (!row) return { key: "off", text: "off", why: this.enabledSet.has(t.name) ? "switched on: reconnect to use it" : "switched off for this connection" };
    // The reason already tells memory's story ("worked just now on this origin, RTT 4 ms"): add only the score.
    const facts = [`score ${row.score}`];
    if (row.rttMs !== null && row.rttMs !== undefined && !row.reason.includes("RTT")) facts.push(`RTT ${Math.round(row.rttMs)} ms`);
    const why = `${row.reason} · ${facts.join(" · ")}`;
    if (this.now === t.name) return { key: "current", text: "in use", why };
    if (!row.supported) return { key: "unsupported", text: "unsupported", why };
    const failure = this.failures.get(t.name);
    if (failure) return { key: "failed", text: "failed", why: `${failure} · ${why}` };
    // Ranked down (a bad outcome remembered for this origin, or deaths this session): not probed for now.
    if (row.score < HEALTHY_SCORE) return { key: "failed", text: row.last === "buffered" ? "buffered" : "ranked down", why };
    return { key: "standby", text: "standby", why };
  }
}

function load() {
  try {
    const names = JSON.parse(localStorage.getItem(STORE) ?? "null");
    return Array.isArray(names) && names.length ? names.filter((n) => typeof n === "string") : null;
  } catch {
    return null;
  }
}

function save(set) {
  try {
    localStorage.setItem(STORE, JSON.stringify([...set]));
  } catch {
    // private mode: the choice lasts for this page only
  }
}

// The chat's DOM: rooms, the message log of the active room (a live region), own messages with their
// delivery state, notices, typing, and shared files. Text goes in with textContent only: nothing a peer sends
// is ever parsed as HTML.

const TYPING_MS = 3000;
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const STATE_TEXT = { queued: "◷ queued offline", sending: "… sending", delivered: "✓ delivered", failed: "✗ not sent" };

export class ChatView {
  /** @param {{ onRoom(room: string): void, onLeave(room: string): void }} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    this.list = document.getElementById("messages");
    this.roomList = document.getElementById("room-list");
    this.title = document.getElementById("room-title");
    this.members = document.getElementById("members");
    this.typing = document.getElementById("typing");
    this.input = document.getElementById("text");
    /** room → list of <li> (kept while the room is not shown) */
    this.logs = new Map();
    this.unread = new Map();
    this.typists = new Map();
    this.active = "lobby";
    this.typingTimer = undefined;
  }

  setRooms(rooms, active) {
    this.active = active;
    for (const r of rooms) if (!this.logs.has(r)) this.logs.set(r, []);
    this.unread.delete(active);
    const items = rooms.map((room) => {
      const li = document.createElement("li");
      const open = document.createElement("button");
      open.type = "button";
      open.className = "room";
      open.textContent = `#${room}`;
      if (room === active) open.setAttribute("aria-current", "true");
      const n = this.unread.get(room);
      if (n) {
        const badge = document.createElement("span");
        badge.className = "unread";
        badge.textContent = String(n);
        badge.setAttribute("aria-label", `${n} unread`);
        open.append(" ", badge);
      }
      open.addEventListener("click", () => this.hooks.onRoom(room));
      li.append(open);
      if (room !== "lobby") {
        const leave = document.createElement("button");
        leave.type = "button";
        leave.className = "leave";
        leave.textContent = "×";
        leave.setAttribute("aria-label", `Leave #${room}`);
        leave.addEventListener("click", () => this.hooks.onLeave(room));
        li.append(leave);
      }
      return li;
    });
    this.roomList.replaceChildren(...items);
    this.title.textContent = `#${active}`;
    this.input.placeholder = `Message #${active}`;
    this.list.replaceChildren(...(this.logs.get(active) ?? []));
    this.scroll();
    this.renderTyping();
  }

  setMembers(room, nicks) {
    if (room === this.active) this.members.textContent = nicks.length ? `here: ${nicks.join(", ")}` : "";
  }

  forget(room) {
    this.logs.delete(room);
    this.unread.delete(room);
  }

  /** An own message; returns the element whose state `setState` changes. */
  own(msg, state) {
    const li = this.entry("own", msg.room, msg.id, "you", Date.now());
    li.append(paragraph("text", msg.text));
    li.querySelector(".meta").append(stateBadge(state));
    return this.add(msg.room, li, false);
  }

  other(msg) {
    const li = this.entry("other", msg.room, msg.id, msg.nick, msg.at);
    li.append(paragraph("text", msg.text));
    return this.add(msg.room, li, true);
  }

  /** A shared file, own (`state` given) or received. */
  file(meta, data, state) {
    const mine = state !== undefined;
    const li = this.entry(mine ? "own" : "other", meta.room, meta.id, mine ? "you" : meta.nick, meta.at ?? Date.now());
    li.classList.add("file");
    const type = IMAGE_TYPES.has(meta.type) ? meta.type : "application/octet-stream";
    const url = URL.createObjectURL(new Blob([data], { type }));
    const figure = document.createElement("figure");
    if (IMAGE_TYPES.has(meta.type)) {
      const img = document.createElement("img");
      img.src = url;
      img.alt = meta.name;
      figure.append(img);
    }
    const caption = document.createElement("figcaption");
    const link = document.createElement("a");
    link.href = url;
    link.download = meta.name;
    link.textContent = meta.name;
    caption.append(link, ` · ${formatBytes(data.byteLength)} · binary`);
    figure.append(caption);
    li.append(figure);
    if (mine) li.querySelector(".meta").append(stateBadge(state));
    return this.add(meta.room, li, !mine);
  }

  notice(room, text) {
    const li = document.createElement("li");
    li.className = "notice";
    li.textContent = text;
    return this.add(room, li, false);
  }

  setState(li, state, detail) {
    const badge = li?.querySelector(".state");
    if (!badge) return;
    badge.dataset.state = state;
    badge.textContent = STATE_TEXT[state] + (detail ? `: ${detail}` : "");
  }

  /** `nick` is typing in `room`: shown for a few seconds unless repeated. */
  peerTyping(room, nick) {
    this.typists.set(`${room}\n${nick}`, Date.now() + TYPING_MS);
    this.renderTyping();
  }

  renderTyping() {
    const now = Date.now();
    const nicks = [];
    for (const [key, until] of this.typists) {
      if (until <= now) this.typists.delete(key);
      else if (key.startsWith(`${this.active}\n`)) nicks.push(key.slice(this.active.length + 1));
    }
    const text = nicks.length === 0 ? "" : nicks.length === 1 ? `${nicks[0]} is typing…` : `${nicks.join(", ")} are typing…`;
    if (this.typing.textContent !== text) this.typing.textContent = text;
    clearTimeout(this.typingTimer);
    if (this.typists.size) this.typingTimer = setTimeout(() => this.renderTyping(), 500);
  }

  entry(kind, room, id, nick, at) {
    const li = document.createElement("li");
    li.className = `msg ${kind}`;
    li.dataset.id = id;
    const meta = document.createElement("p");
    meta.className = "meta";
    const who = document.createElement("span");
    who.className = "nick";
    who.textContent = nick;
    const time = document.createElement("time");
    const date = new Date(at);
    time.dateTime = date.toISOString();
    time.textContent = date.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hour12: false });
    meta.append(who, " ", time);
    li.append(meta);
    // a peer's typing ends with its message
    if (kind === "other") this.typists.delete(`${room}\n${nick}`);
    return li;
  }

  add(room, li, fromPeer) {
    if (!this.logs.has(room)) this.logs.set(room, []);
    this.logs.get(room).push(li);
    if (room === this.active) {
      const atBottom = this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight < 80;
      this.list.append(li);
      if (atBottom || !fromPeer) this.scroll();
      if (fromPeer) this.renderTyping();
    } else if (fromPeer) {
      this.unread.set(room, (this.unread.get(room) ?? 0) + 1);
      this.hooks.onUnread?.();
    }
    return li;
  }

  scroll() {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

function paragraph(className, text) {
  const p = document.createElement("p");
  p.className = className;
  p.textContent = text;
  return p;
}

function stateBadge(state) {
  const span = document.createElement("span");
  span.className = "state";
  span.dataset.state = state;
  span.textContent = STATE_TEXT[state];
  return span;
}

function formatBytes(n) {
  return n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(2)} MB`;
}

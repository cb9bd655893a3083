// The demo chat's server side, on the `/chat` namespace: nicknames (from `auth`), rooms joined and left with
// notices to the room, messages acknowledged on receipt (deduplicated by id, so a client may resend what it is
// unsure about after a reconnect), typing as volatile broadcasts, binary file shares, and an echo for latency.
// Everything from the network is validated: a bad event is answered with an error ack or ignored.

const MAX_TEXT = 2000;
export const MAX_FILE_BYTES = 1024 * 1024;
const ROOM = /^[a-z0-9][a-z0-9-]{0,23}$/;
const ID = /^[A-Za-z0-9_-]{1,64}$/;
/** How many message ids are remembered for deduplication (per server). */
const SEEN_LIMIT = 5000;
const MAX_ROOMS = 20;
/**
 * A disconnected user is announced as gone only if they don't come back within this time: switching transports
 * or a short network cut is a reconnection, not a leave-and-join.
 */
const LEAVE_GRACE_MS = 5000;

/**
 * @param {import("@omnio/server").Server} io
 * @param {{ log?: (line: string) => void }} [options]
 */
export function attachChat(io, options = {}) {
  const log = options.log ?? (() => {});
  const chat = io.of("/chat");
  /** Message id → the ack it got, so a resent message is acknowledged again but not broadcast twice. */
  const seen = new Map();
  const remember = (id, ack) => {
    seen.set(id, ack);
    if (seen.size > SEEN_LIMIT) seen.delete(seen.keys().next().value);
  };

  /** `room\nnick` → the timer that will announce this user left the room. */
  const leaving = new Map();
  const announceJoin = (socket, room, nick) => {
    const key = `${room}\n${nick}`;
    const timer = leaving.get(key);
    if (timer) return clearTimeout(timer), leaving.delete(key); // back within the grace: no notice either way
    socket.to(room).emit("notice", { room, text: `${nick} joined`, at: Date.now() });
  };
  const announceLeave = (room, nick) => {
    const key = `${room}\n${nick}`;
    clearTimeout(leaving.get(key));
    const timer = setTimeout(() => {
      leaving.delete(key);
      chat.to(room).emit("notice", { room, text: `${nick} left`, at: Date.now() });
    }, LEAVE_GRACE_MS);
    timer.unref?.();
    leaving.set(key, timer);
  };

  chat.on("connection", (socket) => {
    const auth = socket.handshake.auth ?? {};
    const nick = cleanNick(auth.nick) ?? `guest-${socket.id.slice(0, 4)}`;
    socket.data.nick = nick;
    log(`chat: ${nick} connected over ${socket.conn.transport}`);
    // Rooms of a (re)connecting page, joined before any of its buffered events is handled.
    const rooms = Array.isArray(auth.rooms) ? auth.rooms.filter((r) => typeof r === "string" && ROOM.test(r)).slice(0, MAX_ROOMS) : [];
    for (const room of new Set(["lobby", ...rooms])) {
      socket.join(room);
      announceJoin(socket, room, nick);
    }
    socket.emit("hello", { nick, transport: socket.conn.transport });
    const onUpgrade = (name) => socket.emit("server-transport", name);
    socket.conn.on("upgrade", onUpgrade);

    socket.on("join", (room, ack) => {
      if (typeof ack !== "function") return;
      if (typeof room !== "string" || !ROOM.test(room)) return ack({ ok: false, error: "room names: a-z, 0-9 and -, up to 24" });
      if (!socket.rooms.has(room)) {
        if (socket.rooms.size > MAX_ROOMS) return ack({ ok: false, error: `at most ${MAX_ROOMS} rooms` });
        socket.join(room);
        announceJoin(socket, room, nick);
      }
      ack({ ok: true, members: membersOf(chat, room) });
    });

    socket.on("leave", (room, ack) => {
      if (typeof room !== "string" || !socket.rooms.has(room) || room === socket.id) return typeof ack === "function" && ack({ ok: false });
      socket.leave(room);
      socket.to(room).emit("notice", { room, text: `${nick} left`, at: Date.now() });
      if (typeof ack === "function") ack({ ok: true });
    });

    socket.on("message", (msg, ack) => {
      if (typeof ack !== "function") return;
      if (!isObject(msg) || typeof msg.id !== "string" || !ID.test(msg.id)) return ack({ ok: false, error: "bad message" });
      const known = seen.get(msg.id);
      if (known) return ack(known);
      if (typeof msg.text !== "string" || !msg.text.trim() || msg.text.length > MAX_TEXT) return ack({ ok: false, error: `text: 1-${MAX_TEXT} characters` });
      if (typeof msg.room !== "string" || !socket.rooms.has(msg.room)) return ack({ ok: false, error: "join the room first" });
      const at = Date.now();
      socket.to(msg.room).emit("message", { id: msg.id, room: msg.room, nick, text: msg.text, at });
      const reply = { ok: true, at };
      remember(msg.id, reply);
      ack(reply);
    });

    socket.on("typing", (room) => {
      if (typeof room === "string" && socket.rooms.has(room)) socket.to(room).volatile.emit("typing", { room, nick });
    });

    socket.on("file", (meta, data, ack) => {
      if (typeof ack !== "function") return;
      if (!isObject(meta) || typeof meta.id !== "string" || !ID.test(meta.id)) return ack({ ok: false, error: "bad file" });
      const known = seen.get(meta.id);
      if (known) return ack(known);
      if (!Buffer.isBuffer(data)) return ack({ ok: false, error: "the file must travel as binary" });
      if (data.length > MAX_FILE_BYTES) return ack({ ok: false, error: `files up to ${MAX_FILE_BYTES} bytes` });
      if (typeof meta.room !== "string" || !socket.rooms.has(meta.room)) return ack({ ok: false, error: "join the room first" });
      const name = typeof meta.name === "string" ? meta.name.slice(0, 200) : "file";
      const type = typeof meta.type === "string" && /^[\w.+-]+\/[\w.+-]+$/.test(meta.type) ? meta.type : "application/octet-stream";
      const at = Date.now();
      socket.to(meta.room).emit("file", { id: meta.id, room: meta.room, nick, name, type, size: data.length, at }, data);
      const reply = { ok: true, at };
      remember(meta.id, reply);
      ack(reply);
    });

    socket.on("members", (room, ack) => typeof ack === "function" && ack(typeof room === "string" ? membersOf(chat, room) : []));

    // Latency: the client measures the round trip of this ack.
    socket.on("latency", (stamp, ack) => typeof ack === "function" && ack(stamp));

    socket.on("disconnecting", () => {
      for (const room of socket.rooms) if (room !== socket.id) announceLeave(room, nick);
    });
    socket.on("disconnect", (reason) => {
      socket.conn.off("upgrade", onUpgrade);
      log(`chat: ${nick} disconnected (${reason})`);
    });
  });
  return chat;
}

function membersOf(chat, room) {
  const nicks = new Set();
  for (const s of chat.sockets.values()) if (s.rooms.has(room)) nicks.add(s.data.nick);
  return [...nicks];
}

function cleanNick(value) {
  if (typeof value !== "string") return undefined;
  const nick = value.replace(/[\u0000-\u001f\u007f]/g, "").trim().slice(0, 24);
  return nick || undefined;
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// Rooms of one namespace, in memory: which sockets are in which room, and back. Every socket is in the room
// named by its own id (that is how `to(socketId)` and `except(socketId)` work, as in socket.io).

export class RoomAdapter {
  /** room → socket ids */
  readonly rooms = new Map<string, Set<string>>();
  /** socket id → rooms */
  readonly sids = new Map<string, Set<string>>();

  addAll(id: string, rooms: Iterable<string>): void {
    let mine = this.sids.get(id);
    if (!mine) this.sids.set(id, (mine = new Set()));
    for (const room of rooms) {
      mine.add(room);
      let members = this.rooms.get(room);
      if (!members) this.rooms.set(room, (members = new Set()));
      members.add(id);
    }
  }

  del(id: string, room: string): void {
    this.sids.get(id)?.delete(room);
    const members = this.rooms.get(room);
    if (!members) return;
    members.delete(id);
    if (!members.size) this.rooms.delete(room); // empty rooms must not pile up on a long-running server
  }

  delAll(id: string): void {
    for (const room of this.sids.get(id) ?? []) this.del(id, room);
    this.sids.delete(id);
  }

  /** Socket ids in any of `rooms` (all sockets when empty) and in none of `except`. */
  select(rooms: ReadonlySet<string>, except: ReadonlySet<string>): Set<string> {
    const excluded = new Set<string>();
    for (const room of except) for (const id of this.rooms.get(room) ?? []) excluded.add(id);
    const out = new Set<string>();
    const add = (id: string): void => void (excluded.has(id) || out.add(id));
    if (rooms.size) for (const room of rooms) for (const id of this.rooms.get(room) ?? []) add(id);
    else for (const id of this.sids.keys()) add(id);
    return out;
  }
}

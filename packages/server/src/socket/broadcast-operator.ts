// `io.to(room)`, `io.except(room)`, `socket.broadcast`, `volatile`: an immutable selection of sockets of one
// namespace, encoded once and written to each. Acks are not collected from broadcasts.
import { EVENT, isReservedEvent, type SocketPacket } from "@omnio/client";
import type { Namespace } from "./namespace.js";
import type { Socket } from "./socket.js";

export interface BroadcastFlags {
  /** Drop for sockets whose transport cannot write right now instead of queueing. */
  volatile?: boolean;
}

const asSet = (room: string | readonly string[]): string[] => (typeof room === "string" ? [room] : [...room]);

export class BroadcastOperator {
  constructor(
    private readonly nsp: Namespace,
    private readonly rooms: ReadonlySet<string> = new Set(),
    private readonly exceptRooms: ReadonlySet<string> = new Set(),
    private readonly flags: BroadcastFlags = {},
  ) {}

  /** Only sockets in `room` (several calls: in any of them). */
  to(room: string | readonly string[]): BroadcastOperator {
    return new BroadcastOperator(this.nsp, new Set([...this.rooms, ...asSet(room)]), this.exceptRooms, this.flags);
  }

  in(room: string | readonly string[]): BroadcastOperator {
    return this.to(room);
  }

  /** Not the sockets in `room`. */
  except(room: string | readonly string[]): BroadcastOperator {
    return new BroadcastOperator(this.nsp, this.rooms, new Set([...this.exceptRooms, ...asSet(room)]), this.flags);
  }

  get volatile(): BroadcastOperator {
    return new BroadcastOperator(this.nsp, this.rooms, this.exceptRooms, { ...this.flags, volatile: true });
  }

  /** Send an event to every selected socket. Returns true, as socket.io does. */
  emit(event: string, ...args: unknown[]): boolean {
    if (isReservedEvent(event)) throw new Error(`Cannot broadcast "${event}": it is a reserved event name`);
    if (typeof args[args.length - 1] === "function")
      throw new Error(`Cannot broadcast "${event}" with an ack callback: acks are per socket (use socket.emit)`);
    const packet: SocketPacket = { type: EVENT, nsp: this.nsp.name, data: [event, ...args] };
    this.nsp.broadcastPacket(packet, this.rooms, this.exceptRooms, this.flags);
    return true;
  }

  /** The selected sockets. */
  fetchSockets(): Socket[] {
    return [...this.nsp.adapter.select(this.rooms, this.exceptRooms)].flatMap((id) => this.nsp.sockets.get(id) ?? []);
  }

  socketsJoin(room: string | readonly string[]): void {
    for (const socket of this.fetchSockets()) socket.join(room);
  }

  socketsLeave(room: string): void {
    for (const socket of this.fetchSockets()) socket.leave(room);
  }

  disconnectSockets(close = false): void {
    for (const socket of this.fetchSockets()) socket.disconnect(close);
  }
}

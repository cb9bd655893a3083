// Emits waiting for their ack (messages, files), carried across reconnections and across the fresh Managers the
// page creates when transports are switched. A socket buffers what is emitted while it is disconnected and sends
// it on reconnect; what was already written when the connection died is re-sent here, since its ack can no
// longer come. The server deduplicates by id, so a message is shown once even when it travelled twice.

export class Outbox {
  /** @param {{ setState(li: Element, state: string, detail?: string): void }} view */
  constructor(view) {
    this.view = view;
    /** id → { event, args, li, socket, written, resend } */
    this.pending = new Map();
  }

  /** Emit `event` (args[0].id is the id) with an ack on `socket` (null: none yet, sent on the next connect). */
  send(socket, event, args, li) {
    const p = { event, args, li, socket: null, written: false, resend: false };
    this.pending.set(args[0].id, p);
    this.emit(socket, p);
  }

  /** `socket` connected: it flushed its own buffer; re-send what other or older connections left unanswered. */
  connected(socket) {
    for (const p of this.pending.values()) {
      if (p.socket !== socket || p.resend) this.emit(socket, p);
      else if (!p.written) {
        p.written = true;
        this.view.setState(p.li, "sending");
      }
    }
  }

  /** `socket` lost its connection: what it had written will never be acknowledged. */
  disconnected(socket) {
    for (const p of this.pending.values()) if (p.socket === socket && p.written) p.resend = true;
  }

  emit(socket, p) {
    if (!socket) return this.view.setState(p.li, "queued");
    p.socket = socket;
    p.written = socket.connected;
    p.resend = false;
    this.view.setState(p.li, p.written ? "sending" : "queued");
    const id = p.args[0].id;
    socket.emit(p.event, ...p.args, (res) => {
      if (this.pending.get(id) !== p) return; // answered already (an earlier copy)
      this.pending.delete(id);
      if (res?.ok) this.view.setState(p.li, "delivered");
      else this.view.setState(p.li, "failed", res?.error ?? "refused");
    });
  }
}

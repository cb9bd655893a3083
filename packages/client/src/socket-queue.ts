// At-least-once emits (`retries` option), as socket.io-client 4.6+: emits wait in one queue, one in flight at a
// time, each resent (with a fresh ack id) after an ack timeout or a disconnect until acked or out of retries.
// The server may see a packet more than once: deduplicating is the application's part of the bargain.
// @see https://socket.io/docs/v4/client-options/#retries

type Ack = ((...args: unknown[]) => void) & { withError?: boolean };

interface Entry {
  /** Event name first, then the arguments (no callback). */
  args: unknown[];
  ack: Ack | undefined;
  tries: number;
  pending: boolean;
  timeout: number | undefined;
}

export class SocketQueue {
  private _q: Entry[] = [];

  constructor(
    private readonly _s: { readonly connected: boolean; _emit(args: unknown[], volatile: boolean, timeout: number | undefined): void },
    private readonly _retries: number,
  ) {}

  add(args: unknown[], timeout: number | undefined): void {
    const ack = typeof args[args.length - 1] === "function" ? (args.pop() as Ack) : undefined;
    this._q.push({ args, ack, tries: 0, pending: false, timeout });
    this.drain();
  }

  /** Send the head of the queue if connected and nothing is in flight (`force`: resend it after a reconnect). */
  drain(force = false): void {
    const s = this._s;
    const e = this._q[0];
    if (!s.connected || !e || (e.pending && !force)) return;
    e.pending = true;
    e.tries++;
    const done: Ack = (err, ...res) => {
      if (e !== this._q[0]) return; // answered already (a late ack of an earlier try)
      if (!err) {
        this._q.shift();
        e.ack?.(null, ...res);
      } else if (e.tries > this._retries) {
        this._q.shift();
        e.ack?.(err);
      }
      e.pending = false;
      this.drain();
    };
    done.withError = true;
    s._emit(e.args.concat(done), false, e.timeout);
  }
}

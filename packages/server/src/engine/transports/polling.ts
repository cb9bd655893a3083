// HTTP long polling, server side: the peer's GET is held until there are packets; its POST carries packets
// up and is answered `ok` (HttpPostTransport). At most one GET and one POST in flight; a second one is a
// protocol error that ends the session. Bodies are `\x1e`-joined payloads, binary as `b<base64>`. JSONP (`j`)
// subclasses this and overrides `writePayload` / `readPayload`. @see PROTOCOL.md §1 "Polling"
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError, TransportError, encodePayload, type EnginePacket } from "@omnio/client";
import { ErrorCode, RequestRejection, rejectRequest } from "../http-errors.js";
import { HttpPostTransport } from "./http-post-transport.js";
import type { HttpTransportDefinition } from "./server-transport.js";

export class PollingTransport extends HttpPostTransport {
  readonly name: string = "polling";
  /** The held GET, answered by the next `send()`. */
  private pendingGet: ServerResponse | undefined;
  private closeTimer: NodeJS.Timeout | undefined;

  get writable(): boolean {
    return this.state === "open" && this.pendingGet !== undefined;
  }

  send(packets: EnginePacket[]): void {
    const res = this.pendingGet;
    if (!res || this.state === "closed") return;
    this.pendingGet = undefined;
    this.writePayload(res, encodePayload(packets));
  }

  close(options?: { discard?: boolean }): void {
    if (this.state === "closed" || (this.state === "closing" && !options?.discard)) return;
    if (this.pendingGet) {
      // the held GET carries the close packet: the peer learns at once
      this.answerClose(this.pendingGet);
      return this.finish("transport closed");
    }
    if (options?.discard) return this.finish("transport discarded");
    // orderly: the next GET carries the close packet, but a peer that never polls again doesn't hold us
    this.state = "closing";
    this.closeTimer = setTimeout(() => this.finish("transport closed (no final poll)"), this.init.closeTimeout);
  }

  /** Writes one payload as a GET answer. JSONP overrides this to wrap it in a script. */
  protected writePayload(res: ServerResponse, payload: string): void {
    res.writeHead(200, {
      "Content-Type": "text/plain; charset=UTF-8",
      "Content-Length": Buffer.byteLength(payload),
      "Cache-Control": "no-store",
    });
    res.end(payload);
  }

  protected onGet(_req: IncomingMessage, res: ServerResponse): void {
    if (this.pendingGet) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "overlapping GET"));
      return this.fail("a second GET while one is pending", new ProtocolError("Polling: overlapping GET requests"));
    }
    if (this.state === "closing") {
      this.answerClose(res);
      return this.finish("transport closed");
    }
    this.pendingGet = res;
    res.on("close", () => {
      // "close" also follows a normal end; only a GET the peer dropped while we held it is a failure
      if (this.pendingGet !== res) return;
      this.pendingGet = undefined;
      this.fail("poll request closed by the peer", new TransportError("Polling GET closed prematurely", this.name));
    });
    this.init.sink.onDrain();
  }

  private answerClose(res: ServerResponse): void {
    this.pendingGet = undefined;
    this.writePayload(res, "1");
  }

  protected fail(reason: string, error: Error): void {
    if (this.state === "closed") return;
    if (this.pendingGet) this.answerClose(this.pendingGet);
    this.finish(reason, error);
  }

  private finish(reason: string, error?: Error): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.closeTimer);
    this.init.sink.onClose(reason, error);
  }
}

export const pollingDefinition: HttpTransportDefinition = {
  name: "polling",
  wire: "polling",
  kind: "http",
  handshake: true,
  rank: 10,
  create: (init) => new PollingTransport(init),
};

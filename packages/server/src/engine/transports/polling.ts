// HTTP long polling, server side: the peer's GET is held until there are packets, its POST carries packets
// up and is answered `ok`. At most one GET and one POST in flight; a second one is a protocol error that
// ends the session. Bodies are `\x1e`-joined payloads, binary as `b<base64>`. JSONP (`j`) can subclass this
// and override `writePayload` / `readPayload`. @see PROTOCOL.md §1 "Polling"
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError, TransportError, decodePayload, encodePayload, type EnginePacket } from "@omnio/client";
import { ErrorCode, RequestRejection, rejectRequest } from "../http-errors.js";
import type { HttpServerTransport, HttpTransportDefinition, TransportInit } from "./server-transport.js";

type State = "open" | "closing" | "closed";

export class PollingTransport implements HttpServerTransport {
  readonly name: string = "polling";
  private state: State = "open";
  /** The held GET, answered by the next `send()`. */
  private pendingGet: ServerResponse | undefined;
  private postInFlight = false;
  private closeTimer: NodeJS.Timeout | undefined;

  constructor(protected readonly init: TransportInit) {}

  get writable(): boolean {
    return this.state === "open" && this.pendingGet !== undefined;
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, _query: URLSearchParams): void {
    if (this.state === "closed") {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "transport already closed"));
    } else if (req.method === "GET") {
      this.onGet(res);
    } else if (req.method === "POST") {
      this.onPost(req, res);
    } else {
      this.init.logger.warn("polling: method not allowed", { sid: this.init.sid, method: req.method });
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, `method ${req.method}`));
    }
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

  /** Turns a POST body into an Engine.IO payload. JSONP overrides this (form-encoded `d=`). */
  protected readPayload(body: string, _req: IncomingMessage): string {
    return body;
  }

  private onGet(res: ServerResponse): void {
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

  private onPost(req: IncomingMessage, res: ServerResponse): void {
    const max = this.init.maxHttpBufferSize;
    if (this.postInFlight) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "overlapping POST"));
      return this.fail("a second POST while one is in flight", new ProtocolError("Polling: overlapping POST requests"));
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > max) return this.tooLarge(req, res, declared);
    this.postInFlight = true;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > max) {
        req.removeListener("data", onData);
        req.removeListener("end", onEnd);
        this.postInFlight = false;
        this.tooLarge(req, res, size);
      } else chunks.push(chunk);
    };
    const onEnd = (): void => {
      this.postInFlight = false;
      this.onBody(req, res, Buffer.concat(chunks).toString("utf8"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", () => {}); // an aborted upload is reported through "close" below
    req.on("close", () => {
      if (!req.complete && this.postInFlight) {
        this.postInFlight = false;
        this.fail("POST aborted by the peer", new TransportError("Polling POST aborted", this.name));
      }
    });
  }

  private onBody(req: IncomingMessage, res: ServerResponse, body: string): void {
    let packets: EnginePacket[];
    try {
      packets = decodePayload(this.readPayload(body, req), "nodebuffer", this.init.maxHttpBufferSize);
    } catch (error) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "malformed payload"));
      return this.fail("malformed payload in POST", asError(error));
    }
    res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8", "Content-Length": 2, "Cache-Control": "no-store" });
    res.end("ok");
    if (this.state !== "open") return; // closing: the session no longer takes packets
    for (const packet of packets) {
      if ((this.state as State) !== "open") break;
      this.init.sink.onPacket(packet);
    }
  }

  private tooLarge(req: IncomingMessage, res: ServerResponse, size: number): void {
    // Connection: close makes Node drop the rest of the upload instead of reading it for keep-alive
    res.writeHead(413, { "Content-Type": "text/plain; charset=UTF-8", Connection: "close" });
    res.end("Payload Too Large");
    req.resume();
    this.fail(
      "POST body too large",
      new ProtocolError(`Polling POST of ${size} bytes exceeds maxHttpBufferSize ${this.init.maxHttpBufferSize}`),
    );
  }

  private answerClose(res: ServerResponse): void {
    this.pendingGet = undefined;
    this.writePayload(res, "1");
  }

  private fail(reason: string, error: Error): void {
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

function asError(error: unknown): Error {
  return error instanceof Error ? error : new ProtocolError(String(error));
}

export const pollingDefinition: HttpTransportDefinition = {
  name: "polling",
  wire: "polling",
  kind: "http",
  handshake: true,
  rank: 10,
  create: (init) => new PollingTransport(init),
};

// What every HTTP transport of the server (polling, jsonp, xhr-multipart, htmlfile) does the same way: route
// the session's requests by method, and take the peer's packets by POST — at most one POST in flight (a second
// is a protocol error that ends the session), the body bounded by maxHttpBufferSize (413, and the session ends),
// decoded as an Engine.IO payload, answered `ok`, its packets handed to the session while it is open. How the
// server's packets go down (held poll GET, stream) is the subclass's. @see PROTOCOL.md §1 "Polling"
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError, TransportError, decodePayload, type EnginePacket } from "@omnio/client";
import { ErrorCode, RequestRejection, rejectRequest } from "../http-errors.js";
import type { HttpServerTransport, TransportInit } from "./server-transport.js";

type State = "open" | "closing" | "closed";

export abstract class HttpPostTransport implements HttpServerTransport {
  abstract readonly name: string;
  abstract readonly writable: boolean;
  protected state: State = "open";
  private postInFlight = false;

  constructor(protected readonly init: TransportInit) {}

  abstract send(packets: EnginePacket[]): void;
  abstract close(options?: { discard?: boolean }): void;

  /** A GET of this session (the held poll, or a stream). */
  protected abstract onGet(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void;

  /** Ends the transport on an error: answers what is pending harmlessly, reports once. */
  protected abstract fail(reason: string, error: Error): void;

  /** Turns a POST body into an Engine.IO payload (plain text by default; JSONP: form-encoded `d=`). */
  protected readPayload(body: string, _req: IncomingMessage): string {
    return body;
  }

  handleRequest(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (this.state === "closed") {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "transport already closed"));
    } else if (req.method === "GET") {
      this.onGet(req, res, query);
    } else if (req.method === "POST") {
      this.onPost(req, res);
    } else {
      this.init.logger.warn(`${this.name}: method not allowed`, { sid: this.init.sid, method: req.method });
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, `method ${req.method}`));
    }
  }

  private onPost(req: IncomingMessage, res: ServerResponse): void {
    const max = this.init.maxHttpBufferSize;
    if (this.postInFlight) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "overlapping POST"));
      return this.fail("a second POST while one is in flight", new ProtocolError(`${this.label}: overlapping POST requests`));
    }
    const declared = Number(req.headers["content-length"]);
    if (declared > max) return this.tooLarge(req, res, declared);
    this.postInFlight = true;
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= max) return void chunks.push(chunk);
      req.removeListener("data", onData);
      req.removeListener("end", onEnd);
      this.postInFlight = false;
      this.tooLarge(req, res, size);
    };
    const onEnd = (): void => {
      this.postInFlight = false;
      this.onBody(req, res, Buffer.concat(chunks).toString("utf8"));
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", () => {}); // an aborted upload is reported through "close" below
    req.on("close", () => {
      if (req.complete || !this.postInFlight) return;
      this.postInFlight = false;
      this.fail("POST aborted by the peer", new TransportError(`${this.label} POST aborted`, this.name));
    });
  }

  private onBody(req: IncomingMessage, res: ServerResponse, body: string): void {
    let packets: EnginePacket[];
    try {
      // (no size limit to pass: tooLarge() already bounded the body by maxHttpBufferSize)
      packets = decodePayload(this.readPayload(body, req), "nodebuffer");
    } catch (error) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "malformed payload"));
      return this.fail("malformed payload in POST", error instanceof Error ? error : new ProtocolError(String(error)));
    }
    res.writeHead(200, { "Content-Type": "text/plain; charset=UTF-8", "Content-Length": 2, "Cache-Control": "no-store" });
    res.end("ok");
    for (const packet of packets) {
      if (this.state !== "open") break; // closing: the session no longer takes packets
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
      new ProtocolError(`${this.label} POST of ${size} bytes exceeds maxHttpBufferSize ${this.init.maxHttpBufferSize}`),
    );
  }

  /** How errors name this transport: "Polling" as the polling transport always said, else the wire name. */
  private get label(): string {
    return this.name === "polling" ? "Polling" : this.name;
  }
}

// Base for the streaming HTTP transports (xhr-multipart, htmlfile): one long-lived GET response carries the
// server's packets as they come, a POST carries the peer's packets as in polling (HttpPostTransport). What
// differs between them is only the body format (StreamFormat); the rest lives here:
// - one stream GET per session at a time (a second concurrent one: 400, and the session ends, as polling does);
// - each flush is ONE frame holding everything queued at that moment (`\x1e`-joined payload), and the next one
//   waits for the write callback, so a fast producer gets batches and back-pressure instead of tiny frames;
// - the stream is cycled (ended on purpose; the peer reopens at once) once ~128 KiB went out, which bounds what
//   a browser (XHR responseText, iframe DOM) and any proxy hold for one response;
// - a batch of only noop packets ends the stream too: the session sends noop to release the held response when
//   an upgrade away from this transport was probed, so the peer can pause without losing packets;
// - packets sent while no stream is open (the `3probe` of an upgrade probe can come before its GET) wait for the
//   next stream. @see PROTOCOL.md §4, §5
import type { IncomingMessage, ServerResponse } from "node:http";
import { ProtocolError, TransportError, encodePayload, type EnginePacket } from "@omnio/client";
import { ErrorCode, RequestRejection, rejectRequest } from "../http-errors.js";
import { HttpPostTransport } from "./http-post-transport.js";

/** A stream is ended after this many body bytes; the peer reopens it at once. */
export const STREAM_CYCLE_BYTES = 128 * 1024;

/** Headers every stream response gets: no caching, no proxy buffering (nginx), no content sniffing. */
export const STREAM_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "X-Accel-Buffering": "no",
  "X-Content-Type-Options": "nosniff",
};

/** The body format of one stream response (made fresh per GET, so it may carry per-stream state). */
export interface StreamFormat {
  /** Response headers added to STREAM_HEADERS (Content-Type at least). */
  readonly headers: Readonly<Record<string, string>>;
  /** Written with the headers (multipart: the first boundary; htmlfile: the padded prelude). */
  readonly prelude: string;
  /**
   * The frame carrying one Engine.IO payload, or undefined when this stream cannot carry it (multipart: the
   * payload contains the boundary); the stream is then ended and the payload goes out on the next one.
   */
  frame(payload: string): string | undefined;
  /** Written last when the stream is ended on purpose (multipart: `--`). */
  readonly epilogue: string;
}

interface Stream {
  readonly res: ServerResponse;
  readonly format: StreamFormat;
  bytes: number;
}

export abstract class StreamingTransport extends HttpPostTransport {
  private stream: Stream | undefined;
  /** A frame handed to `res.write` whose callback has not fired yet. */
  private writing = false;
  /** Packets waiting for a stream (none open, a write in flight, or the last stream could not carry them). */
  private pending: EnginePacket[] = [];
  private closeTimer: NodeJS.Timeout | undefined;

  /** The body format for a new stream GET, or a rejection (answered, and the transport fails). */
  protected abstract format(req: IncomingMessage, query: URLSearchParams): StreamFormat | RequestRejection;

  get writable(): boolean {
    return this.state === "open" && this.stream !== undefined && !this.writing && this.pending.length === 0;
  }

  /** Stream GETs open right now (0 or 1): tests check that nothing is left behind. */
  get openStreams(): number {
    return this.stream ? 1 : 0;
  }

  send(packets: EnginePacket[]): void {
    if (this.state === "closed") return;
    this.pending.push(...packets);
    this.pump();
  }

  close(options?: { discard?: boolean }): void {
    if (this.state === "closed" || (this.state === "closing" && !options?.discard)) return;
    if (options?.discard) {
      this.endStream();
      return this.finish("transport discarded");
    }
    // Orderly: the close packet goes out on the stream (now, or on the next GET), then the stream ends.
    this.state = "closing";
    this.pending.push({ type: "close" });
    if (this.stream) return this.pump();
    this.closeTimer = setTimeout(() => this.finish("transport closed (no final stream)"), this.init.closeTimeout);
  }

  protected onGet(req: IncomingMessage, res: ServerResponse, query: URLSearchParams): void {
    if (this.stream) {
      rejectRequest(res, new RequestRejection(ErrorCode.BAD_REQUEST, "overlapping stream GET"));
      return this.fail("a second stream GET while one is open", new ProtocolError(`${this.name}: overlapping stream GET requests`));
    }
    const format = this.format(req, query);
    if (format instanceof RequestRejection) {
      rejectRequest(res, format);
      return this.fail(`stream GET refused: ${format.reason}`, new TransportError(`${this.name} stream refused: ${format.reason}`, this.name));
    }
    res.writeHead(200, { ...STREAM_HEADERS, ...format.headers });
    const stream: Stream = { res, format, bytes: Buffer.byteLength(format.prelude) };
    this.stream = stream;
    res.write(format.prelude);
    res.on("close", () => {
      // "close" also follows our own end(); only a stream the peer dropped while we held it is a failure
      if (this.stream !== stream) return;
      this.stream = undefined;
      this.writing = false;
      this.fail("stream closed by the peer", new TransportError(`${this.name} stream GET closed prematurely`, this.name));
    });
    if (this.pending.length) this.pump();
    else this.init.sink.onDrain();
  }

  /** Writes everything pending as one frame, if a stream is open and idle. */
  private pump(): void {
    const stream = this.stream;
    if (!stream || this.writing || !this.pending.length) return;
    const packets = this.pending;
    const frame = stream.format.frame(encodePayload(packets));
    if (frame === undefined) {
      this.init.logger.warn(`${this.name}: payload cannot go on this stream; cycling it`, { sid: this.init.sid });
      return this.endStream();
    }
    this.pending = [];
    this.writing = true;
    stream.bytes += Buffer.byteLength(frame);
    const releases = packets.every((p) => p.type === "noop");
    const closes = packets.some((p) => p.type === "close");
    stream.res.write(frame, () => {
      if (this.stream !== stream) return; // ended or dropped meanwhile
      this.writing = false;
      if (closes) {
        this.endStream();
        return this.finish("transport closed");
      }
      if (releases || stream.bytes >= STREAM_CYCLE_BYTES) this.endStream();
      if (this.pending.length) this.pump();
      else if (this.writable) this.init.sink.onDrain();
    });
  }

  /** Ends the current stream on purpose (the peer reopens it unless the session is over). */
  private endStream(): void {
    const stream = this.stream;
    if (!stream) return;
    this.stream = undefined;
    this.writing = false;
    if (!stream.res.writableEnded) stream.res.end(stream.format.epilogue);
  }

  protected fail(reason: string, error: Error): void {
    if (this.state === "closed") return;
    this.endStream();
    this.finish(reason, error);
  }

  private finish(reason: string, error?: Error): void {
    if (this.state === "closed") return;
    this.state = "closed";
    clearTimeout(this.closeTimer);
    this.pending = [];
    this.endStream();
    this.init.sink.onClose(reason, error);
  }
}

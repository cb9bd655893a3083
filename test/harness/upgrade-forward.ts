// WebSocket leg of the fault proxy: answers an upgrade itself (refuse / fail), leaves it hanging, or replays
// the upgrade request to the target over a fresh TCP connection and pipes raw bytes both ways — counting
// frame bytes so `cutWebSocket` can kill the connection after exactly N bytes or N ms.
import { connect, type Socket } from "node:net";
import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { FaultPlan } from "./fault-scenario.js";
import type { ProxyContext } from "./proxy-context.js";

const HEAD_END = Buffer.from("\r\n\r\n");
// A response head larger than this is not a WebSocket handshake; stop looking and count everything.
const MAX_HEAD = 64 * 1024;

/** Writes a complete HTTP error response on a raw socket and closes it. */
export function answerRaw(socket: Socket, status: number, why: string): void {
  const body = `fault-proxy: ${status} ${STATUS_CODES[status] ?? ""}: ${why}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
      body,
  );
}

/** The upgrade request as it arrived (request line + raw headers), to replay it to the target verbatim. */
function requestHead(req: IncomingMessage): string {
  let head = `${req.method ?? "GET"} ${req.url ?? "/"} HTTP/${req.httpVersion}\r\n`;
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return head + "\r\n";
}

export function forwardUpgrade(ctx: ProxyContext, req: IncomingMessage, client: Socket, head: Buffer, plan: FaultPlan): void {
  const url = req.url ?? "/";
  const upstream = connect({ host: ctx.target.host, port: ctx.target.port });
  ctx.track(upstream);
  let answered = false;
  let failed = false;
  let headSeen = false;
  let pendingHead = Buffer.alloc(0);
  let frameBytes = 0;
  let cut = false;
  let cancelTimer = (): void => {};

  const kill = () => {
    if (cut) return;
    cut = true;
    cancelTimer();
    ctx.record("cutWebSocket", url);
    client.destroy();
    upstream.destroy();
  };
  /** Bytes of `chunk` that may still pass before the cut; kills when the limit is reached. */
  const allowance = (chunk: Buffer): Buffer => {
    const limit = plan.cut?.afterBytes ?? null;
    if (limit === null) return chunk;
    const part = chunk.subarray(0, Math.max(0, limit - frameBytes));
    frameBytes += part.length;
    return part;
  };
  const limitReached = () => plan.cut?.afterBytes != null && frameBytes >= plan.cut.afterBytes;
  const onHeadComplete = () => {
    headSeen = true;
    const ms = plan.cut?.afterMs ?? null;
    if (ms !== null) cancelTimer = ctx.later(ms, kill);
    if (limitReached()) kill();
  };

  upstream.on("error", (error) => {
    failed = true;
    if (!answered && !client.destroyed) answerRaw(client, 502, `cannot forward upgrade ${url} to the target: ${error.message}`);
    else client.destroy();
  });
  // After an error the 502 above is still flushing: end() closes the client once it is out.
  // A clean close on one side ends the other after its pending bytes; an error or a cut destroys it.
  upstream.on("close", (hadError) => {
    if (failed) return;
    if (hadError) client.destroy();
    else client.end();
  });
  client.on("close", (hadError) => (hadError ? upstream.destroy() : upstream.end()));
  client.on("error", () => client.destroy());

  upstream.write(requestHead(req));
  if (head.length > 0) pipeChunk(head, client, upstream, "toTarget");

  function pipeChunk(chunk: Buffer, from: Socket, to: Socket, way: "toTarget" | "toClient"): void {
    if (cut) return;
    const part = allowance(chunk);
    if (part.length > 0) {
      ctx.stats.bytes[way] += part.length;
      if (!to.write(part)) {
        from.pause();
        to.once("drain", () => from.resume());
      }
    }
    if (limitReached()) kill();
  }

  client.on("data", (chunk: Buffer) => pipeChunk(chunk, client, upstream, "toTarget"));
  upstream.on("data", (chunk: Buffer) => {
    answered = true;
    if (headSeen) return pipeChunk(chunk, upstream, client, "toClient");
    // The handshake response goes through untouched and uncounted by the cut; frames start after its blank line.
    pendingHead = Buffer.concat([pendingHead, chunk]);
    const end = pendingHead.indexOf(HEAD_END);
    if (end === -1 && pendingHead.length < MAX_HEAD) return;
    const split = end === -1 ? 0 : end + HEAD_END.length;
    const headPart = pendingHead.subarray(0, split);
    const rest = pendingHead.subarray(split);
    pendingHead = Buffer.alloc(0);
    ctx.stats.bytes.toClient += headPart.length;
    client.write(headPart);
    onHeadComplete();
    if (rest.length > 0) pipeChunk(rest, upstream, client, "toClient");
  });
}

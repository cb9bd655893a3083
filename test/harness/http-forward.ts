// Plain HTTP leg of the fault proxy: streams a request to the target and the response back chunk by chunk
// (a multipart or forever-iframe response must flow as the server writes it), or — when the plan says so —
// buffers the body like a misconfigured reverse proxy, or drops the client's socket mid-body.
import { request, STATUS_CODES, type IncomingMessage, type ServerResponse } from "node:http";
import type { FaultPlan } from "./fault-scenario.js";
import type { ProxyContext } from "./proxy-context.js";

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection; Node frames each leg itself.
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
]);

function endToEnd(raw: string[], drop: ReadonlySet<string> = HOP_BY_HOP): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    if (!drop.has(name.toLowerCase())) pairs.push([name, raw[i + 1]!]);
  }
  return pairs;
}

/** Answers an HTTP error on purpose (failTransport) or because the target can't be reached. */
export function answerError(res: ServerResponse, status: number, why: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = `fault-proxy: ${status} ${STATUS_CODES[status] ?? ""}: ${why}\n`;
  res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(body), Connection: "close" });
  res.end(body);
}

export function forwardRequest(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, plan: FaultPlan): void {
  const url = req.url ?? "/";
  const headers = endToEnd(req.rawHeaders).flat();
  const upstream = request({
    host: ctx.target.host,
    port: ctx.target.port,
    method: req.method,
    path: url,
    headers,
    agent: ctx.agent,
  });
  upstream.on("socket", (socket) => ctx.track(socket));
  // The client hanging up ends the exchange with the target too, as a real proxy would.
  res.on("close", () => {
    if (!res.writableFinished) upstream.destroy();
  });
  upstream.on("error", (error) => {
    if (!res.writableEnded) answerError(res, 502, `cannot forward ${req.method} ${url} to the target: ${error.message}`);
  });

  req.on("data", (chunk: Buffer) => {
    ctx.stats.bytes.toTarget += chunk.length;
  });
  req.pipe(upstream);

  upstream.on("response", (upRes) => {
    upRes.on("error", () => res.destroy());
    const status = upRes.statusCode ?? 502;
    const message = upRes.statusMessage ?? STATUS_CODES[status] ?? "";
    const body = bodyWriter(ctx, req, res, upRes, plan, url);
    if (plan.buffer) {
      ctx.record("bufferResponses", url);
      const chunks: Buffer[] = [];
      upRes.on("data", (chunk: Buffer) => chunks.push(chunk));
      upRes.on("end", () => {
        const whole = Buffer.concat(chunks);
        const pairs = endToEnd(upRes.rawHeaders, new Set([...HOP_BY_HOP, "content-length"]));
        res.writeHead(status, message, [...pairs, ["Content-Length", String(whole.length)]].flat());
        body.write(whole);
        body.end();
      });
      return;
    }
    res.writeHead(status, message, endToEnd(upRes.rawHeaders).flat());
    // Headers go out now: a streaming GET is "open" for the client before its first part arrives.
    res.flushHeaders();
    upRes.on("data", (chunk: Buffer) => {
      if (!body.write(chunk)) {
        upRes.pause();
        res.once("drain", () => upRes.resume());
      }
    });
    upRes.on("end", () => body.end());
  });
}

/** Writes a response body to the client, counting bytes and dropping the socket after `plan.dropAfterBytes`. */
function bodyWriter(ctx: ProxyContext, req: IncomingMessage, res: ServerResponse, upRes: IncomingMessage, plan: FaultPlan, url: string) {
  let sent = 0;
  let dropped = false;
  const drop = () => {
    dropped = true;
    upRes.destroy();
    req.socket.destroy();
  };
  return {
    write(chunk: Buffer): boolean {
      if (dropped || res.destroyed) return true;
      const limit = plan.dropAfterBytes;
      if (limit !== null && sent + chunk.length >= limit) {
        const part = chunk.subarray(0, limit - sent);
        sent += part.length;
        ctx.stats.bytes.toClient += part.length;
        ctx.record("dropMidResponse", url);
        dropped = true;
        upRes.pause();
        // Let the last allowed bytes reach the kernel before the socket goes, so the client sees exactly `limit`.
        if (part.length > 0) res.write(part, () => drop());
        else drop();
        return true;
      }
      sent += chunk.length;
      ctx.stats.bytes.toClient += chunk.length;
      return res.write(chunk);
    },
    end(): void {
      if (!dropped && !res.destroyed) res.end();
    },
  };
}

// The Flash socket policy file: before a Flash socket connects, Flash Player sends `<policy-file-request/>\0`
// to a policy port (843, the target port, or one the SWF names; 0.9 used 10843) and expects the XML grant
// followed by NUL, then the connection closes. Served two ways: on a dedicated TCP port, and inline on the HTTP
// port through the http.Server's `clientError` event (Node ≥ 20's HTTP parser rejects those bytes before any
// request listener runs). @see ../../../shared/PROTOCOL.md §6
import { createServer, type Server as TcpServer, type Socket } from "node:net";
import type { Server as HttpServer } from "node:http";
import type { CorsOptions } from "./engine/cors.js";
import type { Logger } from "./logger.js";

export const POLICY_REQUEST = "<policy-file-request/>\0";
/** Default dedicated policy port (socket.io 0.9's). */
export const DEFAULT_FLASH_POLICY_PORT = 10843;
/** A policy client that has not sent its 23 bytes by then is dropped. */
export const POLICY_REQUEST_TIMEOUT_MS = 5000;

export interface PolicyGrant {
  /** Domains (`*`, `example.com`, `*.example.com`); empty: grant nothing. */
  domains: readonly string[];
  /** Ports the grant covers. */
  ports: readonly number[];
}

/**
 * The policy document for a grant, as served from `servedFrom`. A policy served from a port ≥ 1024 may only
 * grant ports ≥ 1024 (Flash ignores the rest), so those are left out rather than promised.
 */
export function policyDocument(grant: PolicyGrant, servedFrom: number): string {
  const ports = [...new Set(grant.ports)].filter((p) => Number.isInteger(p) && p > 0 && p < 65536 && (servedFrom < 1024 || p >= 1024));
  const lines =
    ports.length === 0
      ? []
      : grant.domains.map((d) => `<allow-access-from domain="${xmlAttr(d)}" to-ports="${ports.sort((a, b) => a - b).join(",")}"/>`);
  return `<?xml version="1.0"?><cross-domain-policy>${lines.join("")}</cross-domain-policy>\0`;
}

/**
 * Flash policy domains from the `cors` option. No option, `true` or `"*"`: any (a WebSocket endpoint is open to
 * any page as well). Origins become their host names. A RegExp or predicate cannot be written as a policy: it
 * grants nothing and says so (`unexpressible`), rather than granting more than CORS does.
 */
export function policyDomains(cors: CorsOptions | undefined): { domains: string[]; unexpressible: boolean } {
  const rule = cors?.origin;
  if (rule === undefined || rule === true || rule === "*") return { domains: ["*"], unexpressible: false };
  if (rule === false) return { domains: [], unexpressible: false };
  const list = typeof rule === "string" || rule instanceof RegExp || typeof rule === "function" ? [rule] : rule;
  const domains: string[] = [];
  let unexpressible = false;
  for (const entry of list) {
    if (typeof entry !== "string") unexpressible = true;
    else {
      const host = hostOf(entry);
      if (host && !domains.includes(host)) domains.push(host);
    }
  }
  return { domains, unexpressible };
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).hostname.replace(/^\[|\]$/g, "") || undefined;
  } catch {
    return /^[A-Za-z0-9.*-]+$/.test(origin) ? origin : undefined;
  }
}

const xmlAttr = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Reads a policy request from `socket`, starting with `received` (bytes already read), answers `policy()` and
 * closes; anything else, or nothing within the timeout, is dropped. Never throws.
 */
export function answerPolicyRequest(socket: Socket, received: Buffer, policy: () => string, logger: Logger): void {
  let text = received.toString("latin1");
  const timer = setTimeout(() => drop("no complete policy request in time"), POLICY_REQUEST_TIMEOUT_MS);
  const cleanup = (): void => {
    clearTimeout(timer);
    socket.removeListener("data", onData);
  };
  const drop = (why: string): void => {
    cleanup();
    logger.warn(`flash policy: ${why}`, { address: socket.remoteAddress });
    socket.destroy();
  };
  const check = (): void => {
    const n = Math.min(text.length, POLICY_REQUEST.length);
    if (text.slice(0, n) !== POLICY_REQUEST.slice(0, n)) return drop(`not a policy request: ${JSON.stringify(text.slice(0, 40))}`);
    if (text.length < POLICY_REQUEST.length) return;
    cleanup();
    socket.end(policy(), "utf8");
    // a peer that never reads or closes must not hold the socket: the half-closed socket goes after the timeout
    socket.setTimeout(POLICY_REQUEST_TIMEOUT_MS, () => socket.destroy());
  };
  const onData = (chunk: Buffer): void => {
    text += chunk.toString("latin1");
    check();
  };
  socket.on("error", (error) => {
    cleanup();
    logger.debug("flash policy socket error", { error });
  });
  socket.on("data", onData);
  check();
}

/** The dedicated policy port. Returns the undo (closes the listener and its connections). */
export function listenPolicyPort(port: number, host: string | undefined, policy: () => string, logger: Logger): { server: TcpServer; close(): void } {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    answerPolicyRequest(socket, Buffer.alloc(0), policy, logger);
  });
  server.on("error", (error) => logger.warn(`flash policy: cannot listen on port ${port}`, { error }));
  // The policy port is an extra: it never keeps a process alive on its own.
  server.unref();
  server.listen(port, host);
  return {
    server,
    close() {
      server.close();
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * Answers policy requests that arrive on the HTTP port. Other client errors get Node's default treatment when no
 * one else listens for them. Returns the undo.
 */
export function servePolicyInline(http: HttpServer, policy: () => string, logger: Logger): () => void {
  const onClientError = (error: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void => {
    const raw = error.rawPacket;
    if (raw && raw.length > 0 && raw[0] === 0x3c /* "<" */) {
      // the HTTP parser is done with this socket: read the rest of the request ourselves
      socket.removeAllListeners("data");
      answerPolicyRequest(socket, raw, policy, logger);
      socket.resume();
      return;
    }
    if (http.listenerCount("clientError") > 1) return; // someone else answers it
    if (socket.writable && error.code !== "ECONNRESET") {
      const status = error.code === "HPE_HEADER_OVERFLOW" ? "431 Request Header Fields Too Large" : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? "408 Request Timeout" : "400 Bad Request";
      socket.write(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
    }
    socket.destroy();
  };
  http.on("clientError", onClientError);
  return () => http.removeListener("clientError", onClientError);
}

// EngineServer options and their defaults (the same names and values as engine.io's where they exist).
import type { IncomingMessage } from "node:http";
import type { CorsOptions } from "./cors.js";
import type { Logger } from "../logger.js";

export interface EngineServerOptions {
  /** Where Engine.IO requests live; requests elsewhere are left to the app. Default "/socket.io/". */
  path?: string;
  /** Transport names served and advertised (default: every one the server knows). */
  transports?: readonly string[];
  /** Server ping period, ms. Default 25000. */
  pingInterval?: number;
  /** How long a pong may take, ms. Default 20000. */
  pingTimeout?: number;
  /** How long an upgrade probe may take, ms. Default 10000. */
  upgradeTimeout?: number;
  /** Largest POST body / WebSocket message, bytes; advertised as `maxPayload`. Default 1e6. */
  maxHttpBufferSize?: number;
  /** Bytes a session may queue for a peer that doesn't read before it is closed. Default 16 MiB. */
  maxBufferedBytes?: number;
  /** How long an orderly close may wait on the peer, ms. Default 10000. */
  closeTimeout?: number;
  cors?: CorsOptions;
  /** Decide on each handshake (engine.io's signature); `success` false → 403 `{"code":4}` with `err` as message. */
  allowRequest?: (req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void) => void;
  /** Where rejections and lifecycle steps are reported. Default: quiet unless `OMNIO_DEBUG` is set. */
  logger?: Logger;
  /** With flashsocket served: the dedicated Flash policy port (default 10843; `false`: only inline on the HTTP port). */
  flashPolicyPort?: number | false;
}

export interface ResolvedEngineOptions {
  path: string;
  transports: readonly string[] | undefined;
  pingInterval: number;
  pingTimeout: number;
  upgradeTimeout: number;
  maxHttpBufferSize: number;
  maxBufferedBytes: number;
  closeTimeout: number;
  cors: CorsOptions | undefined;
  allowRequest: EngineServerOptions["allowRequest"];
  flashPolicyPort: number | false | undefined;
}

/** "/socket.io" → "/socket.io/": the path always ends with a slash. */
export function normalizePath(path: string): string {
  return path.endsWith("/") ? path : path + "/";
}

export function resolveEngineOptions(options: EngineServerOptions): ResolvedEngineOptions {
  return {
    path: normalizePath(options.path ?? "/socket.io/"),
    transports: options.transports,
    pingInterval: options.pingInterval ?? 25_000,
    pingTimeout: options.pingTimeout ?? 20_000,
    upgradeTimeout: options.upgradeTimeout ?? 10_000,
    maxHttpBufferSize: options.maxHttpBufferSize ?? 1e6,
    maxBufferedBytes: options.maxBufferedBytes ?? 16 * 1024 * 1024,
    closeTimeout: options.closeTimeout ?? 10_000,
    cors: options.cors,
    allowRequest: options.allowRequest,
    flashPolicyPort: options.flashPolicyPort,
  };
}

// Test helpers for @omnio/server: bounded waits on events, a recording logger, servers on loopback port 0.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../src/logger.js";
import * as shared from "../../../test/helpers/wait.js";

/** The shared bounded waits (test/helpers/wait.ts), keeping this package's 5 s default deadline. */
export const waitFor = <T extends unknown[] = unknown[]>(emitter: object, event: string, ms = 5_000): Promise<T> =>
  shared.waitFor<T>(emitter, event, ms);
export const until = (check: () => boolean, ms = 5_000, what = "condition"): Promise<void> =>
  shared.until(check, ms, what);

export interface LogLine {
  level: "debug" | "warn" | "error";
  message: string;
  context?: Record<string, unknown>;
}

/** A logger that keeps what it was told. */
export function recordingLogger(): Logger & { lines: LogLine[]; warnings(): string[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    debug: (message, context) => void lines.push({ level: "debug", message, context }),
    warn: (message, context) => void lines.push({ level: "warn", message, context }),
    error: (message, context) => void lines.push({ level: "error", message, context }),
    warnings: () => lines.filter((l) => l.level === "warn").map((l) => l.message),
  };
}

export async function listen(server: HttpServer = createServer(), port = 0): Promise<{ server: HttpServer; port: number; url: string }> {
  await new Promise<void>((ok, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", fail);
      ok();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  return { server, port: actual, url: `http://127.0.0.1:${actual}` };
}

export function closeHttp(server: HttpServer): Promise<void> {
  return new Promise((ok) => {
    server.closeAllConnections();
    if (!server.listening) return ok();
    server.close(() => ok());
  });
}

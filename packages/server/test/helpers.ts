// Test helpers for @omnio/server: bounded waits on events, a recording logger, servers on loopback port 0.
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../src/logger.js";

/** Resolves with the event's arguments, or rejects after `ms` naming what did not happen. */
interface Listenable {
  once(event: string, fn: (...args: unknown[]) => void): unknown;
  off?(event: string, fn: (...args: unknown[]) => void): unknown;
}

/**
 * Resolves with the event's arguments, or rejects after `ms` naming what did not happen. Works with Node
 * emitters and the typed emitters of socket.io-client / engine.io-client.
 */
export function waitFor<T extends unknown[] = unknown[]>(emitter: object, event: string, ms = 5_000): Promise<T> {
  const target = emitter as Listenable;
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      target.off?.(event, handler);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    const handler = (...args: unknown[]): void => {
      clearTimeout(timer);
      resolve(args as T);
    };
    target.once(event, handler);
  });
}

/** Polls `check` until it returns true (for states with no event), bounded. */
export async function until(check: () => boolean, ms = 5_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

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

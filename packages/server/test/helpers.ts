// Test helpers for @omnio/server: bounded waits on events, a recording logger, servers on loopback port 0.
import { once, type EventEmitter } from "node:events";
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../src/logger.js";

/** Resolves with the event's arguments, or rejects after `ms` naming what did not happen. */
export async function waitFor<T extends unknown[] = unknown[]>(
  emitter: EventEmitter | { once(event: string, fn: (...args: never[]) => void): unknown; off?(event: string, fn: (...args: never[]) => void): unknown },
  event: string,
  ms = 5_000,
): Promise<T> {
  if ("listenerCount" in emitter) {
    const signal = AbortSignal.timeout(ms);
    try {
      return (await once(emitter as EventEmitter, event, { signal })) as T;
    } catch (error) {
      if (signal.aborted) throw new Error(`timed out after ${ms} ms waiting for "${event}"`);
      throw error;
    }
  }
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off?.(event, handler);
      reject(new Error(`timed out after ${ms} ms waiting for "${event}"`));
    }, ms);
    const handler = (...args: never[]): void => {
      clearTimeout(timer);
      resolve(args as unknown as T);
    };
    emitter.once(event, handler);
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
  level: "debug" | "warn";
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

// The pluggable logger every rejection and lifecycle step of the server reports to. Quiet by default (a
// long-running server must not spam stderr because a scanner sent garbage); `OMNIO_DEBUG=1` turns it on.
// `console` itself fits the interface, so `{ logger: console }` works.

export interface Logger {
  /** Lifecycle: a session opened, upgraded, closed. */
  debug(message: string, context?: Record<string, unknown>): void;
  /** Something a peer sent was refused or broke a session (bad request, protocol error, timeout). */
  warn(message: string, context?: Record<string, unknown>): void;
  /** The application's own code failed (a listener threw): always worth seeing. */
  error(message: string, context?: Record<string, unknown>): void;
}

const silent = (): void => {};

/**
 * Writes debug and warn lines to stderr only when `OMNIO_DEBUG` is set (read when a server is built, not at
 * import); errors of the application's own code always.
 */
export function defaultLogger(): Logger {
  const write = (level: string) => (message: string, context?: Record<string, unknown>) =>
    console.error(`omnio:server ${level} ${message}${context ? " " + safeJson(context) : ""}`);
  if (!process.env.OMNIO_DEBUG) return { debug: silent, warn: silent, error: write("error") };
  return { debug: write("debug"), warn: write("warn"), error: write("error") };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v));
  } catch {
    return "[unserializable context]";
  }
}

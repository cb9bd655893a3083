// Error classes: one small class per kind, a base class, `name` set, the original kept in `cause`.
// The iframe transport lives in two realms, so `isOmnioError` checks a brand instead of `instanceof`.

export interface OmnioErrorOptions {
  cause?: unknown;
}

export class OmnioError extends Error {
  override name = "OmnioError";
  /** The brand `isOmnioError` checks (a plain name: a computed key costs a helper variable once compiled). */
  readonly __omnioError = true;
  constructor(message: string, options?: OmnioErrorOptions) {
    super(message);
    if (options && "cause" in options) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** A transport failed to open, died, or answered something it should not have. */
export class TransportError extends OmnioError {
  override name = "TransportError";
  constructor(
    message: string,
    /** Wire name of the transport that failed, when one did. */
    readonly transport?: string,
    options?: OmnioErrorOptions & { errors?: TransportError[] },
  ) {
    super(message, options);
    if (options?.errors) this.errors = options.errors;
  }
  /** For an aggregate (every transport failed): one error per attempt. */
  errors?: TransportError[];
}

/** Something did not happen before its deadline (an ack, a probe, a connection). */
export class TimeoutError extends OmnioError {
  override name = "TimeoutError";
}

/** Bytes on the wire that are not valid Engine.IO v4 / Socket.IO v5. */
export class ProtocolError extends OmnioError {
  override name = "ProtocolError";
}

export const isOmnioError = (value: unknown): value is OmnioError =>
  typeof value === "object" && value !== null && (value as Record<string, unknown>).__omnioError === true;

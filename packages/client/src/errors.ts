// Error classes: one small class per kind, a base class, `name` set, the original kept in `cause`.
// The iframe transport lives in two realms, so `isOmnioError` checks a brand instead of `instanceof`.

export interface OmnioErrorOptions {
  cause?: unknown;
}

export class OmnioError extends Error {
  /** The brand `isOmnioError` checks (a plain name: a computed key costs a helper variable once compiled). */
  readonly __omnioError = true;
  constructor(message: string, options?: OmnioErrorOptions) {
    super(message);
    // Copies `cause` (and TransportError's `errors`, a connect_error's `data`): assigned, because older engines ignore Error's options.
    Object.assign(this, options);
  }
  // Names are getters on the prototype: a field would cost every subclass a constructor.
  override get name(): string {
    return "OmnioError";
  }
}

/** A transport failed to open, died, or answered something it should not have. */
export class TransportError extends OmnioError {
  constructor(
    message: string,
    /** Wire name of the transport that failed, when one did. */
    readonly transport?: string,
    options?: OmnioErrorOptions & { errors?: TransportError[] },
  ) {
    super(message, options);
  }
  override get name(): string {
    return "TransportError";
  }
  /** For an aggregate (every transport failed): one error per attempt. */
  declare errors?: TransportError[];
}

/** Something did not happen before its deadline (an ack, a probe, a connection). */
export class TimeoutError extends OmnioError {
  override get name(): string {
    return "TimeoutError";
  }
}

/** Bytes on the wire that are not valid Engine.IO v4 / Socket.IO v5. */
export class ProtocolError extends OmnioError {
  override get name(): string {
    return "ProtocolError";
  }
}

export const isOmnioError = (value: unknown): value is OmnioError => (value as Partial<OmnioError> | undefined)?.__omnioError === true;

// CORS for the HTTP transports, shaped like socket.io's `cors` option (which hands it to the `cors` package):
// an allowed Origin is echoed with credentials if asked; a refused one gets no CORS headers (the browser then
// blocks the page from reading the answer) and a log line; OPTIONS preflights are answered here.
// @see https://developer.mozilla.org/en-US/docs/Web/HTTP/Guides/CORS
import type { IncomingMessage, ServerResponse } from "node:http";

export type CorsOrigin = boolean | string | RegExp | ReadonlyArray<string | RegExp> | ((origin: string) => boolean);

export interface CorsOptions {
  /** Which page origins may call: `true` = any (echoed), a string ("*" = any, not echoed), list, RegExp, predicate. */
  origin?: CorsOrigin;
  /** Send `Access-Control-Allow-Credentials: true` (cookies, `withCredentials`). */
  credentials?: boolean;
  /** Allowed methods for preflights. Default GET,HEAD,PUT,PATCH,POST,DELETE as the `cors` package. */
  methods?: string | string[];
  /** Allowed request headers; default: echo `Access-Control-Request-Headers`. */
  allowedHeaders?: string | string[];
  exposedHeaders?: string | string[];
  /** Preflight cache, seconds. */
  maxAge?: number;
}

export type CorsVerdict = "none" | "allowed" | "refused";

/** Does `rule` (the `origin` option) allow this page origin? */
export function originAllowed(rule: CorsOrigin, origin: string): boolean {
  if (typeof rule === "boolean") return rule;
  if (typeof rule === "string") return rule === "*" || rule === origin;
  if (rule instanceof RegExp) return rule.test(origin);
  if (typeof rule === "function") {
    try {
      return rule(origin) === true;
    } catch {
      return false; // a throwing user predicate refuses, it never takes the request handler down
    }
  }
  return rule.some((r) => (typeof r === "string" ? r === origin : r.test(origin)));
}

const list = (v: string | string[]): string => (Array.isArray(v) ? v.join(",") : v);

/**
 * Sets the CORS response headers for `req` on `res` (before the transport writes its head).
 * "none": no cors option or no Origin header; "refused": an Origin the option does not allow.
 */
export function applyCors(cors: CorsOptions | undefined, req: IncomingMessage, res: ServerResponse): CorsVerdict {
  const origin = req.headers.origin;
  if (!cors || cors.origin === undefined || origin === undefined) return "none";
  if (!originAllowed(cors.origin, origin)) return "refused";
  const wildcard = cors.origin === "*";
  res.setHeader("Access-Control-Allow-Origin", wildcard ? "*" : origin);
  if (!wildcard) res.setHeader("Vary", "Origin");
  if (cors.credentials) res.setHeader("Access-Control-Allow-Credentials", "true");
  if (cors.exposedHeaders) res.setHeader("Access-Control-Expose-Headers", list(cors.exposedHeaders));
  return "allowed";
}

/** Answers an OPTIONS preflight (CORS headers must already be applied). */
export function answerPreflight(cors: CorsOptions | undefined, req: IncomingMessage, res: ServerResponse): void {
  if (cors && res.hasHeader("Access-Control-Allow-Origin")) {
    res.setHeader("Access-Control-Allow-Methods", list(cors.methods ?? "GET,HEAD,PUT,PATCH,POST,DELETE"));
    const asked = req.headers["access-control-request-headers"];
    const headers = cors.allowedHeaders ? list(cors.allowedHeaders) : asked;
    if (headers) res.setHeader("Access-Control-Allow-Headers", headers);
    if (cors.maxAge !== undefined) res.setHeader("Access-Control-Max-Age", String(cors.maxAge));
  }
  res.writeHead(204, { "Content-Length": "0" });
  res.end();
}

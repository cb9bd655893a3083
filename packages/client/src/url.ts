// Turn what a user passes to `connect()` into origin, namespace and query, as socket.io-client does:
// `//host` and `/nsp` are relative to the page, a bare `host:port` gets the page's protocol (https outside
// a page), `ws(s):` means `http(s):`. @see https://socket.io/docs/v4/client-initialization/

export interface ParsedUrl {
  /** `https://example.com:8443` */
  origin: string;
  /** The path is the namespace: `/` when empty. */
  nsp: string;
  query: Record<string, string>;
}

/** `page`: the page's URL, which relative forms resolve against. */
export function parseUrl(uri: string, page = globalThis.location?.href ?? "https://localhost"): ParsedUrl {
  // Neither a scheme nor a leading slash: a bare `host[:port]/nsp` (so only `//host…` and `/path` are relative).
  if (!/^(\w+:)?\//.test(uri)) uri = "//" + uri;
  const u = new URL(uri.replace(/^ws(s?):/i, "http$1:"), page);
  return { origin: u.origin, nsp: u.pathname, query: Object.fromEntries(u.searchParams) };
}

/** The Engine.IO endpoint for an origin and a `path` option: leading and trailing slash guaranteed. */
export const engineUri = (origin: string, path = "/socket.io/"): string =>
  origin + path.replace(/^\/?/, "/").replace(/\/?$/, "/");

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

export function parseUrl(uri: string, loc: { protocol: string; host: string } | undefined = globalThis.location): ParsedUrl {
  if (uri.startsWith("//")) uri = (loc?.protocol ?? "https:") + uri;
  else if (uri.startsWith("/") && loc) uri = loc.protocol + "//" + loc.host + uri;
  else if (!/^[a-z][a-z\d+.-]*:\/\//i.test(uri)) uri = (loc?.protocol ?? "https:") + "//" + uri;
  const u = new URL(uri.replace(/^ws(s?):/i, "http$1:"));
  const query: Record<string, string> = {};
  u.searchParams.forEach((v, k) => (query[k] = v));
  return { origin: u.origin, nsp: u.pathname || "/", query };
}

/** The Engine.IO endpoint for an origin and a `path` option: leading and trailing slash guaranteed. */
export const engineUri = (origin: string, path = "/socket.io/"): string =>
  origin + path.replace(/^\/?/, "/").replace(/\/?$/, "/");

// Loopback guard for the fault proxy: it forwards only to this machine and listens only on this machine, so a
// test can never turn it into an open relay or send traffic off the box.
import { isIP } from "node:net";

/** True for `localhost`, any 127.0.0.0/8 address and `::1` (brackets allowed). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  if (isIP(bare) === 6) return bare === "::1" || bare === "0:0:0:0:0:0:0:1" || /^::ffff:127\./.test(bare);
  return false;
}

/** Parses the proxy's target; throws a TypeError naming the target unless it is http:// on loopback. */
export function parseLoopbackTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch (cause) {
    throw new TypeError(`fault-proxy: target "${target}" is not a URL`, { cause });
  }
  if (url.protocol !== "http:") {
    throw new TypeError(`fault-proxy: target "${target}" must be an http:// origin (upgrades are forwarded too)`);
  }
  if (!isLoopbackHost(url.hostname)) {
    throw new TypeError(
      `fault-proxy: refusing non-loopback target "${target}": only localhost, 127.0.0.0/8 and [::1] are allowed`,
    );
  }
  if (!url.port) throw new TypeError(`fault-proxy: target "${target}" needs an explicit port`);
  return url;
}

// The htmlfile server transport without a browser: frame escaping (property-tested: a frame's script data
// never holds `<`, `>` or a line separator, and evaluates back to the payload), the page-origin check, and the
// stream response itself (headers, padded prelude, open packet frame, 403 for a foreign origin).
import { afterEach, describe, expect, it } from "vitest";
import { createServer, request, type IncomingHttpHeaders, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { EngineServer } from "../src/index.js";
import { PRELUDE_MIN_BYTES, checkPageOrigin, htmlfileFormat, scriptString } from "../src/engine/transports/htmlfile.js";

describe("scriptString", () => {
  it("keeps script data free of <, >, & and U+2028/9, and evaluates back to the input", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: "binary" }), fc.constantFrom("</script>", "<!--<script>", "\u2028\u2029", "\ud800x\udfff")), (s) => {
        const literal = scriptString(s);
        expect(literal).not.toMatch(/[<>&\u2028\u2029]/);
        expect(runInNewContext(literal)).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it("makes each frame one script element whatever the payload", () => {
    const format = htmlfileFormat("http://a.test", "id", 0, "n0nce");
    const frame = format.frame(`</script><script>alert(1)</script><!--`)!;
    expect(frame.match(/<script/gi)).toHaveLength(1);
    expect(frame.match(/<\/script/gi)).toHaveLength(1);
    expect(frame).toMatch(/^<script nonce="n0nce">p\(".*"\)<\/script>\n$/s);
  });
});

describe("checkPageOrigin", () => {
  const host = "localhost:8080";
  it("accepts this server's own origin and origins the cors option allows", () => {
    expect(checkPageOrigin("http://localhost:8080", host, undefined)).toBe("http://localhost:8080");
    expect(checkPageOrigin("http://127.0.0.1:3000", host, { origin: "http://127.0.0.1:3000" })).toBe("http://127.0.0.1:3000");
    expect(checkPageOrigin("https://app.test", host, { origin: [/\.test$/] })).toBe("https://app.test");
  });
  it("refuses anything else: other origins, non-origins, opaque and non-http origins", () => {
    for (const o of [null, "", "*", "null", "http://evil.test", "http://localhost:8080/", "http://localhost:8080/x", "javascript:alert(1)", "file://x"]) {
      expect(checkPageOrigin(o, host, { origin: "http://127.0.0.1:3000" })).toBeUndefined();
    }
    expect(checkPageOrigin("http://evil.test", host, undefined)).toBeUndefined();
  });
});

describe("htmlfile stream GET", () => {
  let http: HttpServer | undefined;
  let engine: EngineServer | undefined;
  afterEach(async () => {
    engine?.close();
    http?.closeAllConnections();
    await new Promise<void>((ok) => (http ? http.close(() => ok()) : ok()));
    http = engine = undefined;
  });

  async function start(): Promise<number> {
    http = createServer();
    engine = new EngineServer({ cors: { origin: "http://allowed.test" } }).attach(http);
    await new Promise<void>((ok) => http!.listen(0, "127.0.0.1", ok));
    return (http.address() as AddressInfo).port;
  }

  /** GET and read until `until` matches the body so far (bounded), then hang up. */
  function get(port: number, query: string, until: RegExp): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${until} within 5 s`)), 5_000);
      const req = request({ host: "127.0.0.1", port, path: `/socket.io/?EIO=4&transport=htmlfile&${query}` }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        const done = () => {
          clearTimeout(timer);
          req.destroy();
          resolve({ status: res.statusCode!, headers: res.headers, body });
        };
        res.on("data", (chunk: string) => {
          body += chunk;
          if (until.test(body)) done();
        });
        res.on("end", done);
      });
      req.on("error", (error) => (clearTimeout(timer), reject(error)));
      req.end();
    });
  }

  it("answers a handshake with the streaming headers, a padded prelude and the open packet frame", async () => {
    const port = await start();
    const o = encodeURIComponent(`http://127.0.0.1:${port}`);
    const { status, headers, body } = await get(port, `o=${o}&n=abc_1-2&c=0`, /p\("0\{/);
    expect(status).toBe(200);
    expect(headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(headers["cache-control"]).toBe("no-store");
    expect(headers["x-accel-buffering"]).toBe("no");
    expect(headers["x-content-type-options"]).toBe("nosniff");
    const nonce = /script-src 'nonce-([0-9a-f]{32})'/.exec(String(headers["content-security-policy"]))?.[1];
    expect(nonce).toBeDefined();
    // every script carries the nonce; the prelude is padded to 1 KB before the first frame
    expect(body.match(/<script[^>]*>/g)!.every((tag) => tag === `<script nonce="${nonce}">`)).toBe(true);
    expect(Buffer.byteLength(body.slice(0, body.indexOf(`<script nonce="${nonce}">p(`)))).toBeGreaterThanOrEqual(PRELUDE_MIN_BYTES);
    expect(body).toContain(`"http://127.0.0.1:${port}"`);
    expect(body).toMatch(/p\("0\{\\"sid\\":/);
  });

  it("answers 403 to a page origin that is neither the server's nor allowed by cors, and 400 to a bad id", async () => {
    const port = await start();
    const refused = await get(port, `o=${encodeURIComponent("http://evil.test")}&n=abc&c=0`, /$^/);
    expect(refused.status).toBe(403);
    expect(JSON.parse(refused.body)).toEqual({ code: 4, message: "Forbidden" });
    const allowed = await get(port, `o=${encodeURIComponent("http://allowed.test")}&n=abc&c=0`, /p\("0/);
    expect(allowed.status).toBe(200);
    const badId = await get(port, `o=${encodeURIComponent("http://allowed.test")}&n=${encodeURIComponent("<x>")}&c=0`, /$^/);
    expect(badId.status).toBe(400);
  });
});

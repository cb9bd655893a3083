// Forever iframe (`htmlfile`), server side: the stream GET is an HTML document loaded into a hidden iframe. A
// padded prelude defines `p(d)`, then each flush is one `<script>p("<payload>")</script>`; `e()` marks the end
// of a stream the server ended on purpose (cycling, release for an upgrade). Everything else (POST as polling,
// probe on the stream, 128 KiB cycling, one stream at a time) is StreamingTransport's.
// @see PROTOCOL.md §5, https://html.spec.whatwg.org/multipage/parsing.html#script-data-state
//
// Safety of the frames: a payload is arbitrary text from any peer of the session, written into script data.
// JSON.stringify makes it a valid string literal (quotes, backslashes, control characters, lone surrogates as
// `\udXXX`); then `<` and `>` become `\u003c` / `\u003e`, so neither `</script`, `<!--` nor `<script` (the
// only sequences that change how the HTML parser reads script data) can occur, and `&` (inert in script data,
// escaped anyway), U+2028/U+2029 (line terminators in pre-ES2019 string literals) are escaped too. As a second
// wall, a Content-Security-Policy allows only scripts carrying this stream's random nonce: even if a payload
// broke out of its element, the browser would not run it.
//
// Cross-origin, the prelude posts to `parent` with `postMessage(…, o)`: `o` is the page origin the client sends,
// accepted only when it is this server's own origin (the browser sets Host) or the `cors` option allows it;
// anything else is 403, and `*` is never used as the target.
import { randomBytes } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { originAllowed, type CorsOptions } from "../cors.js";
import { ErrorCode, RequestRejection } from "../http-errors.js";
import type { HttpTransportDefinition } from "./server-transport.js";
import { StreamingTransport, type StreamFormat } from "./streaming.js";

/** The prelude is padded to at least this many bytes (old browsers and proxies hold the first KB). */
export const PRELUDE_MIN_BYTES = 1024;

/** Name of the callback the client puts on its iframe element for the same-origin path (no postMessage). */
export const FRAME_CALLBACK = "__omnioHtmlfile";

const UNSAFE = /[<>&\u2028\u2029]/g;

/** `s` as a JavaScript string literal that is safe inside an HTML `<script>` element. */
export function scriptString(s: string): string {
  return JSON.stringify(s).replace(UNSAFE, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"));
}

/**
 * The page origin to post to, when acceptable: a serialized http(s) origin that is this server's own (same
 * Host: the iframe is same-origin with the page) or one the `cors` option allows.
 */
export function checkPageOrigin(o: string | null, host: string | undefined, cors: CorsOptions | undefined): string | undefined {
  if (!o) return undefined;
  let url: URL;
  try {
    url = new URL(o);
  } catch {
    return undefined;
  }
  if (url.origin !== o || (url.protocol !== "http:" && url.protocol !== "https:")) return undefined;
  if (host !== undefined && url.host === host) return o;
  return cors?.origin !== undefined && originAllowed(cors.origin, o) ? o : undefined;
}

/** The body format of one htmlfile stream. */
export function htmlfileFormat(origin: string, id: string, index: number, nonce: string): StreamFormat {
  const open = `<script nonce="${nonce}">`;
  // `t` hands one message up: straight to the client's callback on the iframe element when the page is
  // same-origin (frameElement is null otherwise), else postMessage to the validated page origin. `r` removes
  // the script that is running, so the document does not keep every payload.
  const script =
    `${open}(function(w,d){var o=${scriptString(origin)},n=${scriptString(id)},c=${index},f=null;` +
    `try{f=w.frameElement}catch(x){}` +
    `function t(k,x){if(f){if(typeof f.${FRAME_CALLBACK}==="function")f.${FRAME_CALLBACK}(n,c,k,x)}` +
    `else w.parent.postMessage({omnio:n,c:c,k:k,d:x},o)}` +
    `function r(){var s=d.currentScript;if(s&&s.parentNode)s.parentNode.removeChild(s)}` +
    `w.p=function(x){r();t("d",x)};w.e=function(){r();t("e")};r();t("o")})(window,document)</script>\n`;
  const head = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>omnio</title></head><body>${script}`;
  const pad = Math.max(0, PRELUDE_MIN_BYTES - Buffer.byteLength(head) - 8);
  return {
    headers: {
      "Content-Type": "text/html; charset=UTF-8",
      "Content-Security-Policy": `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`,
    },
    prelude: `${head}<!--${" ".repeat(pad)}-->\n`,
    frame: (payload) => `${open}p(${scriptString(payload)})</script>\n`,
    epilogue: `${open}e()</script></body></html>`,
  };
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const INDEX = /^\d{1,15}$/;

export class HtmlfileTransport extends StreamingTransport {
  readonly name = "htmlfile";

  protected format(req: IncomingMessage, query: URLSearchParams): StreamFormat | RequestRejection {
    const id = query.get("n") ?? "";
    const index = query.get("c") ?? "0";
    if (!ID.test(id) || !INDEX.test(index)) {
      return new RequestRejection(ErrorCode.BAD_REQUEST, `htmlfile: bad n/c query (n=${id.slice(0, 70)}, c=${index.slice(0, 20)})`);
    }
    const origin = checkPageOrigin(query.get("o"), req.headers.host, this.init.cors);
    if (!origin) {
      const o = (query.get("o") ?? "(missing)").slice(0, 200);
      return new RequestRejection(ErrorCode.FORBIDDEN, `htmlfile: page origin ${o} is neither this server's nor allowed by cors`);
    }
    return htmlfileFormat(origin, id, Number(index), randomBytes(16).toString("hex"));
  }
}

export const htmlfileDefinition: HttpTransportDefinition = {
  name: "htmlfile",
  wire: "htmlfile",
  kind: "http",
  handshake: true,
  // streaming, below xhr-multipart (50): it needs a document and an iframe per stream
  rank: 40,
  create: (init) => new HtmlfileTransport(init),
};

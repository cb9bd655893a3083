// The newline escaping JSONP sends need: stock clients post a textarea, in which browsers turn every LF into CRLF,
// so they write LF as the two characters `\n`, and a literal `\n` already in the data as `\\n`; servers reverse
// it (stock engine.io exactly so), whatever sends the body, so our fetch-posted bodies are escaped the same way.
// @see ../../../../shared/PROTOCOL.md §3

/** Literal `\n` → `\\n`, then LF → `\n` (stock clients' two replaces, in the same order). */
export function escapeNewlines(payload: string): string {
  return payload.replace(/\\n/g, "\\\\n").replace(/\n/g, "\\n");
}

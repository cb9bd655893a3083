// The newline escaping JSONP sends need: browsers turn every LF in a textarea into CRLF when they submit a
// form, so the client writes LF as the two characters `\n`, and a literal `\n` already in the data as `\\n`;
// the server reverses it (stock engine.io does exactly this).
// @see ../../../../shared/PROTOCOL.md §3

/** LF → `\n`, literal `\n` → `\\n`, in one pass (same output as stock clients' two replaces). */
export function escapeNewlines(payload: string): string {
  return payload.replace(/\\n|\n/g, (match) => (match == "\n" ? "\\n" : "\\\\n"));
}

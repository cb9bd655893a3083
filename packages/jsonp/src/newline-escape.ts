// The newline escaping JSONP sends need: browsers turn every LF in a textarea into CRLF when they submit a
// form, so the client writes LF as the two characters `\n`, and a literal `\n` already in the data as `\\n`;
// the server reverses it (stock engine.io does exactly this).
// @see ../../../../shared/PROTOCOL.md §3

/** Literal `\n` → `\\n`, then LF → `\n` (stock clients' two replaces, in the same order). */
export function escapeNewlines(payload: string): string {
  return payload.replace(/\\n/g, "\\\\n").replace(/\n/g, "\\n");
}

// The newline escaping JSONP sends need: browsers turn every LF in a textarea into CRLF when they submit a
// form, so the client writes LF as the two characters `\n`, and a literal `\n` already in the data as `\\n`;
// the server reverses it (stock engine.io does exactly this). Plus the form-encoded size of a value, so the
// transport can keep each POST under the server's maxPayload.
// @see ../../../../shared/PROTOCOL.md §3

/** LF → `\n`, literal `\n` → `\\n`, in one pass (same output as stock clients' two replaces). */
export function escapeNewlines(payload: string): string {
  return payload.replace(/\\n|\n/g, (match) => (match === "\n" ? "\\n" : "\\\\n"));
}

/**
 * Bytes `value` takes in an `application/x-www-form-urlencoded` body with UTF-8 (without the `d=`):
 * unreserved ASCII and space (`+`) stay one byte, everything else is percent-encoded per UTF-8 byte.
 */
export function formEncodedLength(value: string): number {
  let n = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 42 || c === 45 || c === 46 || c === 95 || c === 32) n += 1;
    else if (c < 0x80) n += 3;
    else if (c < 0x800) n += 6;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length && (value.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 12;
      i++;
    } else n += 9; // BMP character, or a lone surrogate (sent as U+FFFD: 3 UTF-8 bytes)
  }
  return n;
}

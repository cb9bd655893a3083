// The URI encoding web-socket-js wraps message text in across ExternalInterface (Flash mangled some characters
// in plain strings). Decoding is ours, straight to UTF-8 bytes: the global decodeURIComponent reports bad input
// by throwing, and catching anything in Haxe's flash target builds a stack trace that crashes where
// Error.getStackTrace() is null (release players, Ruffle).
import flash.utils.ByteArray;

class UriCodec {
  /** encodeURIComponent of text known to be well-formed UTF-16 (what Utf8.decode returns). */
  public static function encode(text:String):String {
    return untyped __global__["encodeURIComponent"](text);
  }

  /** encodeURIComponent of any text: lone surrogates (which would make it throw) become U+FFFD first. */
  public static function encodeAny(text:String):String {
    return encode(wellFormed(text));
  }

  /**
   * Appends the UTF-8 bytes of URI-encoded `text` to `out`; false when an escape is malformed or the escaped
   * bytes are not UTF-8 (what decodeURIComponent would throw URIError for). Unescaped characters pass as they are.
   */
  public static function decodeToUtf8(text:String, out:ByteArray):Bool {
    var n = text.length;
    var i = 0;
    while (i < n) {
      var p = text.indexOf("%", i);
      if (p < 0) p = n;
      if (p > i) Utf8.encode(text.substring(i, p), out);
      var start:Int = out.length;
      while (p < n && text.charCodeAt(p) == "%".code) {
        var hi = hexValue(text.charCodeAt(p + 1));
        var lo = hexValue(text.charCodeAt(p + 2));
        if (hi < 0 || lo < 0) return false;
        out.writeByte(hi * 16 + lo);
        p += 3;
      }
      var end:Int = out.length;
      if (end > start && !Utf8.isValid(out, start, end - start)) return false;
      i = p;
    }
    return true;
  }

  static function hexValue(c:Null<Int>):Int {
    if (c == null) return -1;
    if (c >= "0".code && c <= "9".code) return c - "0".code;
    if (c >= "a".code && c <= "f".code) return c - "a".code + 10;
    if (c >= "A".code && c <= "F".code) return c - "A".code + 10;
    return -1;
  }

  static function wellFormed(text:String):String {
    var out = new StringBuf();
    var i = 0;
    var n = text.length;
    while (i < n) {
      var c:Int = text.charCodeAt(i);
      if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && isLow(text.charCodeAt(i + 1))) {
        out.addChar(c);
        out.addChar(text.charCodeAt(i + 1));
        i += 2;
        continue;
      }
      out.addChar(c >= 0xD800 && c <= 0xDFFF ? 0xFFFD : c);
      i++;
    }
    return out.toString();
  }

  static inline function isLow(c:Int):Bool {
    return c >= 0xDC00 && c <= 0xDFFF;
  }
}

// Strict UTF-8 for WebSocket text frames, written by hand rather than with ByteArray.readUTFBytes /
// writeUTFBytes: Flash's versions stop at a NUL byte and drop a leading BOM, and never report invalid input,
// while RFC 6455 §8.1 requires failing the connection (1007) on invalid UTF-8.
import flash.utils.ByteArray;

class Utf8 {
  /** Code units are turned into a string this many at a time (String.fromCharCode.apply argument limit). */
  static inline var CHUNK = 4096;

  /** Appends the UTF-8 bytes of `s` to `out`; a lone surrogate becomes U+FFFD, as TextEncoder does. */
  public static function encode(s:String, out:ByteArray):Void {
    var i = 0;
    var n = s.length;
    while (i < n) {
      var c:Int = s.charCodeAt(i++);
      if (c >= 0xD800 && c <= 0xDBFF && i < n) {
        var d:Int = s.charCodeAt(i);
        if (d >= 0xDC00 && d <= 0xDFFF) {
          c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
          i++;
        }
      }
      if (c >= 0xD800 && c <= 0xDFFF) c = 0xFFFD;
      if (c < 0x80) {
        out.writeByte(c);
      } else if (c < 0x800) {
        out.writeByte(0xC0 | (c >> 6));
        out.writeByte(0x80 | (c & 0x3F));
      } else if (c < 0x10000) {
        out.writeByte(0xE0 | (c >> 12));
        out.writeByte(0x80 | ((c >> 6) & 0x3F));
        out.writeByte(0x80 | (c & 0x3F));
      } else {
        out.writeByte(0xF0 | (c >> 18));
        out.writeByte(0x80 | ((c >> 12) & 0x3F));
        out.writeByte(0x80 | ((c >> 6) & 0x3F));
        out.writeByte(0x80 | (c & 0x3F));
      }
    }
  }

  /** Decodes `length` bytes of `bytes` from `offset`; null when they are not well-formed UTF-8. */
  public static function decode(bytes:ByteArray, offset:Int, length:Int):Null<String> {
    return scan(bytes, offset, length, true);
  }

  public static function isValid(bytes:ByteArray, offset:Int, length:Int):Bool {
    return scan(bytes, offset, length, false) != null;
  }

  /** One pass that validates and, when `build`, decodes (else returns "" for valid input). */
  static function scan(bytes:ByteArray, offset:Int, length:Int, build:Bool):Null<String> {
    var units:Array<Int> = [];
    var text = "";
    var i = offset;
    var end = offset + length;
    while (i < end) {
      var b0:Int = bytes[i];
      var cp:Int;
      var need:Int;
      var min:Int;
      if (b0 < 0x80) {
        cp = b0; need = 0; min = 0;
      } else if (b0 >= 0xC2 && b0 <= 0xDF) {
        cp = b0 & 0x1F; need = 1; min = 0x80;
      } else if (b0 >= 0xE0 && b0 <= 0xEF) {
        cp = b0 & 0x0F; need = 2; min = 0x800;
      } else if (b0 >= 0xF0 && b0 <= 0xF4) {
        cp = b0 & 0x07; need = 3; min = 0x10000;
      } else {
        return null;
      }
      if (i + need >= end) return null; // truncated sequence
      for (k in 1...need + 1) {
        var b:Int = bytes[i + k];
        if ((b & 0xC0) != 0x80) return null;
        cp = (cp << 6) | (b & 0x3F);
      }
      i += need + 1;
      // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are not UTF-8.
      if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return null;
      if (!build) continue;
      if (cp >= 0x10000) {
        units.push(0xD800 + ((cp - 0x10000) >> 10));
        units.push(0xDC00 + ((cp - 0x10000) & 0x3FF));
      } else {
        units.push(cp);
      }
      if (units.length >= CHUNK) {
        text += fromCharCodes(units);
        units = [];
      }
    }
    return units.length > 0 ? text + fromCharCodes(units) : text;
  }

  static function fromCharCodes(units:Array<Int>):String {
    return Reflect.callMethod(null, untyped __global__["String"].fromCharCode, units);
  }
}

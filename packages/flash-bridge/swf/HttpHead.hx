// An HTTP/1.1 response head (status line + header fields) read from the start of a socket buffer: the
// WebSocket handshake answer and an HTTP CONNECT proxy's answer are both one of these.
import flash.utils.ByteArray;

class HttpHead {
  /** A server that sends more than this before the blank line is not speaking the protocol we expect. */
  public static inline var MAX_BYTES = 16384;

  public var status(default, null):Int;
  public var statusLine(default, null):String;
  /** The byte count of the head including the final CRLF CRLF: what follows it is the body/frames. */
  public var length(default, null):Int;
  var fields:Map<String, String>;

  function new(statusLine:String, status:Int, fields:Map<String, String>, length:Int) {
    this.statusLine = statusLine;
    this.status = status;
    this.fields = fields;
    this.length = length;
  }

  /** Field value by case-insensitive name; repeated fields are joined with ", " (RFC 9110 §5.3). */
  public function get(name:String):Null<String> {
    return fields.get(name.toLowerCase());
  }

  /** Reads a head from the start of `buf`. */
  public static function read(buf:ByteArray):HeadRead {
    var end = findBlankLine(buf);
    if (end < 0) {
      var have:Int = buf.length;
      return have > MAX_BYTES ? Invalid("response head longer than " + MAX_BYTES + " bytes") : Incomplete;
    }
    // Header bytes are ASCII by the spec; anything else is kept as Latin-1 so that it shows in the error.
    var text = new StringBuf();
    for (i in 0...end) text.addChar(buf[i]);
    var lines = text.toString().split("\r\n");
    var statusLine = lines[0];
    var re = ~/^HTTP\/1\.[01] ([0-9]{3})( .*)?$/;
    if (!re.match(statusLine)) return Invalid("not an HTTP response: " + statusLine.substr(0, 80));
    var fields = new Map<String, String>();
    for (k in 1...lines.length) {
      var line = lines[k];
      if (line == "") continue;
      var colon = line.indexOf(":");
      if (colon <= 0) return Invalid("malformed header line: " + line.substr(0, 80));
      var name = StringTools.trim(line.substr(0, colon)).toLowerCase();
      var value = StringTools.trim(line.substr(colon + 1));
      var prev = fields.get(name);
      fields.set(name, prev == null ? value : prev + ", " + value);
    }
    return Complete(new HttpHead(statusLine, Std.parseInt(re.matched(1)), fields, end + 4));
  }

  /** Index of the CRLF CRLF that ends the head, or -1. */
  static function findBlankLine(buf:ByteArray):Int {
    var n:Int = buf.length;
    var limit = n < MAX_BYTES ? n : MAX_BYTES;
    var i = 0;
    while (i + 3 < limit) {
      if (buf[i] == 13 && buf[i + 1] == 10 && buf[i + 2] == 13 && buf[i + 3] == 10) return i;
      i++;
    }
    return -1;
  }
}

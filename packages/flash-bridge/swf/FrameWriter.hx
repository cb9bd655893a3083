// Encodes client frames: always FIN, always masked with a fresh key, as RFC 6455 §5.3 requires of clients.
import flash.utils.ByteArray;

class FrameWriter {
  public static function write(opcode:Int, payload:ByteArray, out:ByteArray):Void {
    var len:Int = payload.length;
    out.writeByte(0x80 | opcode);
    if (len < 126) {
      out.writeByte(0x80 | len);
    } else if (len < 65536) {
      out.writeByte(0x80 | 126);
      out.writeByte(len >> 8);
      out.writeByte(len & 0xFF);
    } else {
      out.writeByte(0x80 | 127);
      for (k in 0...4) out.writeByte(0);
      out.writeByte(len >>> 24);
      out.writeByte((len >> 16) & 0xFF);
      out.writeByte((len >> 8) & 0xFF);
      out.writeByte(len & 0xFF);
    }
    var mask = [Std.random(256), Std.random(256), Std.random(256), Std.random(256)];
    for (k in 0...4) out.writeByte(mask[k]);
    for (i in 0...len) out.writeByte(payload[i] ^ mask[i & 3]);
  }

  /** A close frame body: the code in network order, then the UTF-8 reason (empty body when code < 0). */
  public static function closeBody(code:Int, reason:String):ByteArray {
    var body = new ByteArray();
    if (code >= 0) {
      body.writeByte(code >> 8);
      body.writeByte(code & 0xFF);
      if (reason != null) Utf8.encode(reason, body);
    }
    return body;
  }
}

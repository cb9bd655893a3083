// Reads server frames from the front of a byte buffer that TCP fills in arbitrary pieces: a frame is returned
// only once all its bytes are there, and header-level violations are reported as soon as the header is.
// @see https://www.rfc-editor.org/rfc/rfc6455#section-5.2
import flash.utils.ByteArray;

class FrameParser {
  /** Refuse before buffering: a frame announcing more than this is failed with 1009 at once. */
  public var maxPayload:Int;

  public function new(maxPayload:Int) {
    this.maxPayload = maxPayload;
  }

  /** The frame at `buf[start..]`, if all of it is there. */
  public function read(buf:ByteArray, start:Int):FrameRead {
    var avail:Int = buf.length - start;
    if (avail < 2) return Incomplete;
    var b0:Int = buf[start];
    var b1:Int = buf[start + 1];
    var fin = (b0 & 0x80) != 0;
    var opcode = b0 & 0x0F;
    if ((b0 & 0x70) != 0) return Invalid(CloseCode.PROTOCOL_ERROR, "reserved bits set without an extension");
    if ((b1 & 0x80) != 0) return Invalid(CloseCode.PROTOCOL_ERROR, "server frames must not be masked");
    var control = opcode >= 0x8;
    if (!isKnown(opcode)) return Invalid(CloseCode.PROTOCOL_ERROR, "unknown opcode " + opcode);
    var len:Int = b1 & 0x7F;
    var headerLength = 2;
    if (len == 126) {
      if (avail < 4) return Incomplete;
      len = (buf[start + 2] << 8) | buf[start + 3];
      headerLength = 4;
    } else if (len == 127) {
      if (avail < 10) return Incomplete;
      // 64-bit length: anything that needs the upper 33 bits is beyond any limit we accept.
      for (k in 2...6) {
        if (buf[start + k] != 0) return tooBig();
      }
      if ((buf[start + 6] & 0x80) != 0) return tooBig();
      len = (buf[start + 6] << 24) | (buf[start + 7] << 16) | (buf[start + 8] << 8) | buf[start + 9];
      headerLength = 10;
    }
    if (control && (len > 125 || !fin)) {
      return Invalid(CloseCode.PROTOCOL_ERROR, "control frames must be unfragmented and at most 125 bytes");
    }
    if (len > maxPayload) return tooBig();
    if (avail < headerLength + len) return Incomplete;
    var payload = new ByteArray();
    if (len > 0) payload.writeBytes(buf, start + headerLength, len);
    payload.position = 0;
    return Complete(new Frame(fin, opcode, payload, headerLength + len));
  }

  function tooBig():FrameRead {
    return Invalid(CloseCode.MESSAGE_TOO_BIG, "frame larger than " + maxPayload + " bytes");
  }

  static function isKnown(opcode:Int):Bool {
    return opcode <= 0x2 || (opcode >= 0x8 && opcode <= 0xA);
  }
}

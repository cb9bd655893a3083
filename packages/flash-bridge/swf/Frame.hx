// One WebSocket frame as read from the server (unmasked payload).
import flash.utils.ByteArray;

class Frame {
  public var fin:Bool;
  public var opcode:Int;
  public var payload:ByteArray;
  /** Bytes the frame took on the wire (header + payload): how far to advance the read buffer. */
  public var wireLength:Int;

  public function new(fin:Bool, opcode:Int, payload:ByteArray, wireLength:Int) {
    this.fin = fin;
    this.opcode = opcode;
    this.payload = payload;
    this.wireLength = wireLength;
  }
}

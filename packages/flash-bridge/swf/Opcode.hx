// RFC 6455 frame opcodes. @see https://www.rfc-editor.org/rfc/rfc6455#section-5.2
enum abstract Opcode(Int) from Int to Int {
  var Continuation = 0x0;
  var Text = 0x1;
  var Binary = 0x2;
  var Close = 0x8;
  var Ping = 0x9;
  var Pong = 0xA;
}

// Outcome of reading one frame from the buffer. A value, not an exception: Haxe's flash exceptions build a
// stack trace with Error.getStackTrace(), which is null in release players and Ruffle, and that crashes.
enum FrameRead {
  /** More bytes are needed. */
  Incomplete;
  /** The server broke RFC 6455: fail the connection with this code. */
  Invalid(code:Int, reason:String);
  Complete(frame:Frame);
}

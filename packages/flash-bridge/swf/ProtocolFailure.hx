// Thrown inside the bridge when the server breaks RFC 6455: the connection is failed with this close code.
class ProtocolFailure {
  public var code(default, null):Int;
  public var reason(default, null):String;

  public function new(code:Int, reason:String) {
    this.code = code;
    this.reason = reason;
  }
}

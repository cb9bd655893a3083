// The event objects receiveEvents() returns, shaped as web-socket-js's WebSocketMain produced them:
// {type, webSocketId, readyState, protocol, message? (URI-encoded), code?, reason?, wasClean?}.
class BridgeEvent {
  public static function simple(type:String, id:Int, readyState:Int, protocol:String):Dynamic {
    return {type: type, webSocketId: id, readyState: readyState, protocol: protocol};
  }

  public static function message(id:Int, readyState:Int, protocol:String, text:String):Dynamic {
    var e = simple("message", id, readyState, protocol);
    // URI-encoded as web-socket-js did: Flash's ExternalInterface mangled some characters in plain strings.
    e.message = UriCodec.encode(text);
    return e;
  }

  public static function close(id:Int, protocol:String, code:Int, reason:String, wasClean:Bool):Dynamic {
    var e = simple("close", id, ReadyState.Closed, protocol);
    e.code = code;
    e.reason = reason;
    e.wasClean = wasClean;
    return e;
  }
}

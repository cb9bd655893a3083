// The event objects receiveEvents() returns, shaped as web-socket-js's WebSocketMain produced them:
// {type, webSocketId, readyState, protocol, message? (URI-encoded), code?, reason?, wasClean?}.
class BridgeEvent {
  public static function simple(type:String, id:Int, readyState:Int, protocol:String):Dynamic {
    return {type: type, webSocketId: id, readyState: readyState, protocol: protocol};
  }

  public static function message(id:Int, readyState:Int, protocol:String, text:String):Dynamic {
    var e = simple("message", id, readyState, protocol);
    // URI-encoded because Flash's ExternalInterface mangled some characters (backslashes, U+0000) in strings.
    e.message = encodeUri(text);
    return e;
  }

  public static function close(id:Int, protocol:String, code:Int, reason:String, wasClean:Bool):Dynamic {
    var e = simple("close", id, ReadyState.Closed, protocol);
    e.code = code;
    e.reason = reason;
    e.wasClean = wasClean;
    return e;
  }

  public static function encodeUri(text:String):String {
    return untyped __global__["encodeURIComponent"](text);
  }

  /** decodeURIComponent, or null for a malformed escape or one that decodes to a lone surrogate. */
  public static function decodeUri(text:String):Null<String> {
    try {
      return untyped __global__["decodeURIComponent"](text);
    } catch (e:Dynamic) {
      return null;
    }
  }
}

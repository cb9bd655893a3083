// What a WebSocketClient needs from the bridge that owns it: somewhere to queue events and to log.
interface ClientHost {
  /** Queues one bridge event object (see BridgeEvent) for JS to pull with receiveEvents(). */
  function dispatch(event:Dynamic):Void;
  /** The client reached CLOSED and will never dispatch again: its id may be reused. */
  function released(client:WebSocketClient):Void;
  function log(message:String):Void;
  function error(message:String):Void;
}

// Entry point of bridge.swf, omnio's Flash socket bridge (a drop-in for web-socket-js's WebSocketMain.swf).
// FlashVars: `jsObject` names the JS object whose __onFlashInitialized/__onFlashEvent/__log/__error the bridge
// calls (default "WebSocket", as web-socket-js). It is checked to be a dotted identifier: FlashVars can come from
// the SWF's URL, and Ruffle evaluates the name as JavaScript.
import flash.external.ExternalInterface;

class Main {
  static inline var DEFAULT_JS_OBJECT = "WebSocket";
  static var bridge:Bridge;

  static function main() {
    if (!ExternalInterface.available) return; // no script access: nothing this SWF can do
    bridge = new Bridge(jsObjectName());
    bridge.start();
  }

  static function jsObjectName():String {
    var params:Dynamic = flash.Lib.current.loaderInfo.parameters;
    var name:Dynamic = params == null ? null : Reflect.field(params, "jsObject");
    if (name == null) return DEFAULT_JS_OBJECT;
    var text = Std.string(name);
    var ok = text.length <= 128 && ~/^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z_$][A-Za-z0-9_$]*)*$/.match(text);
    return ok ? text : DEFAULT_JS_OBJECT;
  }
}

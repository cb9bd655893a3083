// The ExternalInterface surface of web-socket-js's WebSocketMain.swf, so that this SWF is a drop-in for it:
// setCallerUrl, setDebug, create, send, close, loadManualPolicyFile, receiveEvents; and the calls back into
// `<jsObject>.__onFlashInitialized / __onFlashEvent / __log / __error` (jsObject defaults to "WebSocket").
// Events are queued here and JS pulls them with receiveEvents() on its own task, which keeps their order.
import flash.external.ExternalInterface;
import flash.system.Security;

class Bridge implements ClientHost {
  /** How long to wait before telling JS again when __onFlashEvent did not return true (JS not ready). */
  static inline var NOTIFY_RETRY_MS = 500;

  var jsObject:String;
  var callerUrl:Null<String>;
  var debug = false;
  var manualPolicyLoaded = false;
  var clients = new Map<Int, WebSocketClient>();
  var queue:Array<Dynamic> = [];
  /** JS was told about the queue and has not pulled it yet: no need to tell it again. */
  var notifyPending = false;
  var retryTimer:Null<haxe.Timer>;

  public function new(jsObject:String) {
    this.jsObject = jsObject;
  }

  public function start():Void {
    ExternalInterface.addCallback("setCallerUrl", setCallerUrl);
    ExternalInterface.addCallback("setDebug", setDebug);
    ExternalInterface.addCallback("create", create);
    ExternalInterface.addCallback("send", send);
    ExternalInterface.addCallback("close", close);
    ExternalInterface.addCallback("loadManualPolicyFile", loadManualPolicyFile);
    ExternalInterface.addCallback("receiveEvents", receiveEvents);
    callJs("__onFlashInitialized");
  }

  function setCallerUrl(url:Dynamic):Void {
    callerUrl = url == null ? null : Std.string(url);
  }

  function setDebug(on:Dynamic):Void {
    debug = on == true;
    log("debug enabled");
  }

  function loadManualPolicyFile(url:Dynamic):Void {
    log("policy file: " + url);
    Security.loadPolicyFile(Std.string(url));
    manualPolicyLoaded = true;
  }

  function create(idArg:Dynamic, urlArg:Dynamic, protocolsArg:Dynamic, proxyHost:Dynamic, proxyPort:Dynamic,
      headers:Dynamic):Void {
    var id = toInt(idArg);
    if (id == null) {
      error("create: socket id " + idArg + " is not an integer");
      return;
    }
    if (clients.exists(id)) {
      error("create: socket id " + id + " is already in use");
      return;
    }
    var urlText = urlArg == null ? "" : Std.string(urlArg);
    var url = WsUrl.parse(urlText);
    var problem = url == null ? "not an absolute ws:// URL"
      : url.scheme == "wss" ? "wss:// needs TLS, which the bridge does not do (terminate TLS in front of it)"
      : url.scheme != "ws" ? "scheme " + url.scheme + ":// is not ws://" : null;
    if (problem != null) {
      error("create " + id + " to '" + urlText + "': " + problem);
      dispatch(BridgeEvent.simple("error", id, ReadyState.Closed, ""));
      dispatch(BridgeEvent.close(id, "", CloseCode.ABNORMAL, problem, false));
      return;
    }
    if (!manualPolicyLoaded) {
      // What Flash Player itself asks first; harmless where nothing listens (and Ruffle never asks).
      Security.loadPolicyFile("xmlsocket://" + url.host + ":843");
    }
    var client = new WebSocketClient(this, id, url, urlText, toProtocols(protocolsArg), callerOrigin(), cookieFor(url),
      headers == null ? "" : Std.string(headers));
    clients.set(id, client);
    log("create " + id + ": " + urlText);
    var port = toInt(proxyPort);
    client.connect(proxyHost == null ? null : Std.string(proxyHost), port == null ? 0 : port);
  }

  function send(idArg:Dynamic, encoded:Dynamic):Int {
    var client = clients.get(toInt(idArg));
    if (client == null) {
      error("send: no open socket with id " + idArg);
      return 0;
    }
    var payload = new flash.utils.ByteArray();
    if (encoded == null || !UriCodec.decodeToUtf8(Std.string(encoded), payload)) {
      error("send on socket " + idArg + ": data is not URI-encoded UTF-8 text (use encodeURIComponent)");
      return 0;
    }
    return client.send(payload);
  }

  /** close(id) as web-socket-js; the optional code and reason are an omnio extension (default 1000, ""). */
  function close(idArg:Dynamic, ?codeArg:Dynamic, ?reasonArg:Dynamic):Void {
    var client = clients.get(toInt(idArg));
    if (client == null) return;
    var code = codeArg == null ? CloseCode.NORMAL : toInt(codeArg);
    if (code == null || !CloseCode.isValidForApp(code)) {
      error("close of socket " + idArg + ": code " + codeArg + " is not 1000 or 3000-4999; using 1000");
      code = CloseCode.NORMAL;
    }
    var reason = reasonArg == null ? "" : Std.string(reasonArg);
    var bytes = new flash.utils.ByteArray();
    Utf8.encode(reason, bytes);
    if (bytes.length > 123) {
      error("close of socket " + idArg + ": reason longer than 123 UTF-8 bytes; sending none");
      reason = "";
    }
    client.close(code, reason);
  }

  function receiveEvents():Array<Dynamic> {
    var events = queue;
    queue = [];
    notifyPending = false;
    return events;
  }

  public function dispatch(event:Dynamic):Void {
    queue.push(event);
    notify();
  }

  public function released(client:WebSocketClient):Void {
    if (clients.get(client.id) == client) clients.remove(client.id);
  }

  public function log(message:String):Void {
    if (debug) callJs("__log", UriCodec.encodeAny("[omnio flash bridge] " + message));
  }

  public function error(message:String):Void {
    callJs("__error", UriCodec.encodeAny("[omnio flash bridge] " + message));
  }

  function notify():Void {
    if (notifyPending || queue.length == 0) return;
    // Set before the call: JS may pull synchronously inside __onFlashEvent, which clears it again.
    notifyPending = true;
    if (callJs("__onFlashEvent") != true) {
      notifyPending = false;
      if (retryTimer == null) retryTimer = haxe.Timer.delay(function() {
        retryTimer = null;
        notify();
      }, NOTIFY_RETRY_MS);
    }
  }

  // ExternalInterface.marshallExceptions is false: a JS exception comes back as null, it does not throw here.
  function callJs(method:String, ?arg:String):Dynamic {
    return arg == null ? ExternalInterface.call(jsObject + "." + method) : ExternalInterface.call(jsObject + "." + method, arg);
  }

  function callerOrigin():String {
    var caller = WsUrl.parse(callerUrl);
    return caller == null ? "null" : caller.origin();
  }

  /** document.cookie for a same-host target, as web-socket-js sent it (a Flash socket carries no cookies). */
  function cookieFor(url:WsUrl):String {
    var caller = WsUrl.parse(callerUrl);
    if (caller == null || caller.host.toLowerCase() != url.host.toLowerCase()) return "";
    var cookie:Dynamic = ExternalInterface.call("function(){return document.cookie}");
    return cookie == null ? "" : Std.string(cookie);
  }

  static function toInt(value:Dynamic):Null<Int> {
    if (value == null) return null;
    var text = Std.string(value);
    return ~/^-?[0-9]{1,9}$/.match(text) ? Std.parseInt(text) : null;
  }

  /** Accepts what web-socket-js passed: an array of names, one name, or nothing. */
  static function toProtocols(value:Dynamic):Array<String> {
    if (value == null) return [];
    if (Std.isOfType(value, Array)) {
      var list:Array<Dynamic> = value;
      return [for (p in list) if (p != null && Std.string(p) != "") Std.string(p)];
    }
    var one = Std.string(value);
    return one == "" ? [] : [one];
  }
}

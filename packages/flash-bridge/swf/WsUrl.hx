// The parts of a ws:// URL the handshake needs, and the Origin of the page that embeds the bridge.
// @see https://www.rfc-editor.org/rfc/rfc6455#section-3
class WsUrl {
  public var scheme(default, null):String;
  /** Host as written, without IPv6 brackets: what flash.net.Socket.connect() takes. */
  public var host(default, null):String;
  public var port(default, null):Int;
  /** Path and query, never empty ("/" at least). */
  public var resource(default, null):String;

  function new(scheme:String, host:String, port:Int, resource:String) {
    this.scheme = scheme;
    this.host = host;
    this.port = port;
    this.resource = resource;
  }

  /** Parses an absolute URL with the given default ports per scheme; null if it is not one. */
  public static function parse(url:String):Null<WsUrl> {
    if (url == null) return null;
    var re = ~/^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/(\[[0-9a-fA-F:.]+\]|[^\/?#:\[\]@]+)(:([0-9]{1,5}))?([\/?][^#]*)?(#.*)?$/;
    if (!re.match(url)) return null;
    var scheme = re.matched(1).toLowerCase();
    var host = re.matched(2);
    if (host.charAt(0) == "[") host = host.substr(1, host.length - 2);
    var portText = re.matched(4);
    var port = portText != null ? Std.parseInt(portText) : defaultPort(scheme);
    if (port == null || port < 0 || port > 65535) return null;
    var resource = re.matched(5);
    if (resource == null || resource == "") resource = "/";
    if (resource.charAt(0) == "?") resource = "/" + resource;
    return new WsUrl(scheme, host, port, resource);
  }

  /** `host[:port]` as the Host header wants it: default ports omitted, IPv6 in brackets. */
  public function hostHeader():String {
    var h = host.indexOf(":") >= 0 ? "[" + host + "]" : host;
    return port == defaultPort(scheme) ? h : h + ":" + port;
  }

  /** `scheme://host[:port]` in lower case, as a browser serializes an origin. */
  public function origin():String {
    return (scheme + "://" + hostHeader()).toLowerCase();
  }

  static function defaultPort(scheme:String):Int {
    return switch (scheme) {
      case "wss" | "https": 443;
      case "ws" | "http": 80;
      default: 0;
    }
  }
}

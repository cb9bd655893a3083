// The RFC 6455 opening handshake, client side: the upgrade request and the checks on the server's answer.
// @see https://www.rfc-editor.org/rfc/rfc6455#section-4.1
import haxe.crypto.Base64;
import haxe.crypto.Sha1;
import haxe.io.Bytes;

class Handshake {
  static inline var GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

  /** The subprotocol the server accepted ("" for none), once verify() succeeded. */
  public var protocol(default, null) = "";
  var key:String;
  var protocols:Array<String>;

  public function new(protocols:Array<String>) {
    this.protocols = protocols;
    // Flash 10 has no cryptographic RNG; the key only has to be unpredictable enough to defeat caches.
    var nonce = Bytes.alloc(16);
    for (i in 0...16) nonce.set(i, Std.random(256));
    key = Base64.encode(nonce);
  }

  /**
   * The GET request. `extraHeaders` are the caller's own lines (each ending in CRLF), `cookie` is sent only when
   * non-empty.
   */
  public function request(url:WsUrl, origin:String, cookie:String, extraHeaders:String):String {
    var lines = [
      "GET " + url.resource + " HTTP/1.1",
      "Host: " + url.hostHeader(),
      "Upgrade: websocket",
      "Connection: Upgrade",
      "Sec-WebSocket-Key: " + key,
      "Origin: " + origin,
      "Sec-WebSocket-Version: 13",
    ];
    if (protocols.length > 0) lines.push("Sec-WebSocket-Protocol: " + protocols.join(", "));
    if (cookie != null && cookie != "") lines.push("Cookie: " + cookie);
    var head = lines.join("\r\n") + "\r\n";
    if (extraHeaders != null && extraHeaders != "") {
      head += StringTools.endsWith(extraHeaders, "\r\n") ? extraHeaders : extraHeaders + "\r\n";
    }
    return head + "\r\n";
  }

  /** The value the server must answer in Sec-WebSocket-Accept. */
  public function expectedAccept():String {
    return Base64.encode(Sha1.make(Bytes.ofString(key + GUID)));
  }

  /** Checks the answer: null if it completes the handshake, else what is wrong with it. */
  public function verify(head:HttpHead):Null<String> {
    if (head.status != 101) return "server refused the upgrade: " + head.statusLine;
    if (!hasToken(head.get("upgrade"), "websocket")) return "missing 'Upgrade: websocket' in the answer";
    if (!hasToken(head.get("connection"), "upgrade")) return "missing 'Connection: Upgrade' in the answer";
    var accept = head.get("sec-websocket-accept");
    var expected = expectedAccept();
    if (accept != expected) return "Sec-WebSocket-Accept is '" + accept + "', expected '" + expected + "'";
    if (head.get("sec-websocket-extensions") != null) {
      return "server chose extensions '" + head.get("sec-websocket-extensions") + "' that were not offered";
    }
    var chosen = head.get("sec-websocket-protocol");
    if (chosen != null && chosen != "" && protocols.indexOf(chosen) < 0) {
      return "server chose subprotocol '" + chosen + "' that was not offered";
    }
    protocol = chosen == null ? "" : chosen;
    return null;
  }

  static function hasToken(value:Null<String>, token:String):Bool {
    if (value == null) return false;
    for (part in value.split(",")) if (StringTools.trim(part).toLowerCase() == token) return true;
    return false;
  }
}

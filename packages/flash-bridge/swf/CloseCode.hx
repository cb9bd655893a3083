// RFC 6455 close status codes the bridge sends or reports, and which codes may appear in a close frame.
// @see https://www.rfc-editor.org/rfc/rfc6455#section-7.4
class CloseCode {
  public static inline var NORMAL = 1000;
  public static inline var PROTOCOL_ERROR = 1002;
  public static inline var UNSUPPORTED_DATA = 1003;
  /** Reported (never sent) when a close frame carried no code. */
  public static inline var NO_STATUS = 1005;
  /** Reported (never sent) when the connection ended without a closing handshake. */
  public static inline var ABNORMAL = 1006;
  public static inline var INVALID_PAYLOAD = 1007;
  public static inline var MESSAGE_TOO_BIG = 1009;

  /** May a peer put this code on the wire? (1005, 1006 and 1015 are reserved for reporting only.) */
  public static function isValidOnWire(code:Int):Bool {
    if (code >= 3000 && code <= 4999) return true;
    return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
  }

  /** What a script may pass to close(): 1000 or an application code, as the browser API allows. */
  public static function isValidForApp(code:Int):Bool {
    return code == NORMAL || (code >= 3000 && code <= 4999);
  }
}

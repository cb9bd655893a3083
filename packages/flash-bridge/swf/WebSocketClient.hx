// One WebSocket connection over flash.net.Socket (real Flash: a TCP socket; Ruffle: a WebSocket to its
// socketProxy): optional HTTP CONNECT tunnel, opening handshake, text frames both ways, ping/pong, the closing
// handshake, and failing the connection on anything RFC 6455 forbids. Text only: binary frames fail with 1003
// (PROTOCOL.md §6). @see https://www.rfc-editor.org/rfc/rfc6455
import flash.events.Event;
import flash.events.IOErrorEvent;
import flash.events.ProgressEvent;
import flash.events.SecurityErrorEvent;
import flash.net.Socket;
import flash.utils.ByteArray;

class WebSocketClient {
  /** Largest message (after reassembly) the bridge buffers; more fails the connection with 1009. */
  public static inline var MAX_MESSAGE = 16 * 1024 * 1024;
  /** How long close() waits for the server's close frame before dropping the connection (RFC 6455 §7.1.1). */
  public static inline var CLOSE_TIMEOUT_MS = 5000;
  /** Backstop for a server that takes the connection and never answers the handshake (Flash's own connect
   *  timeout is 20 s too; the JS side normally gives up much sooner and calls close()). */
  public static inline var HANDSHAKE_TIMEOUT_MS = 20000;

  public var id(default, null):Int;
  public var readyState(default, null):Int = ReadyState.Connecting;
  var protocol = "";

  var host:ClientHost;
  var url:WsUrl;
  var urlText:String;
  var origin:String;
  var cookie:String;
  var extraHeaders:String;
  var handshake:Handshake;
  var tunnel:Null<String>;
  var socket:Socket;
  var inbox = new ByteArray();
  var parser = new FrameParser(MAX_MESSAGE);
  var fragments:Null<ByteArray>;
  var closeTimer:Null<haxe.Timer>;
  var handshakeTimer:Null<haxe.Timer>;

  public function new(host:ClientHost, id:Int, url:WsUrl, urlText:String, protocols:Array<String>, origin:String,
      cookie:String, extraHeaders:String) {
    this.host = host;
    this.id = id;
    this.url = url;
    this.urlText = urlText;
    this.origin = origin;
    this.cookie = cookie;
    this.extraHeaders = extraHeaders;
    handshake = new Handshake(protocols);
  }

  /** Starts connecting, directly or through an HTTP proxy (`CONNECT host:port`) when proxyHost is given. */
  public function connect(proxyHost:Null<String>, proxyPort:Int):Void {
    socket = new Socket();
    socket.addEventListener(Event.CONNECT, onConnect);
    socket.addEventListener(Event.CLOSE, onSocketClose);
    socket.addEventListener(ProgressEvent.SOCKET_DATA, onData);
    socket.addEventListener(IOErrorEvent.IO_ERROR, onIoError);
    socket.addEventListener(SecurityErrorEvent.SECURITY_ERROR, onSecurityError);
    var useProxy = proxyHost != null && proxyHost != "" && proxyPort > 0;
    if (useProxy) tunnel = (url.host.indexOf(":") >= 0 ? "[" + url.host + "]" : url.host) + ":" + url.port;
    handshakeTimer = haxe.Timer.delay(onHandshakeTimeout, HANDSHAKE_TIMEOUT_MS);
    if (useProxy) socket.connect(proxyHost, proxyPort) else socket.connect(url.host, url.port);
  }

  /** Sends one text message (UTF-8 bytes); -1 when written, else the byte count not sent (web-socket-js contract). */
  public function send(payload:ByteArray):Int {
    var size:Int = payload.length;
    if (readyState != ReadyState.Open) {
      if (readyState == ReadyState.Connecting) host.error("send on socket " + id + " to " + urlText + ": still connecting");
      return size;
    }
    return writeFrame(Opcode.Text, payload) ? -1 : size;
  }

  /** Starts the closing handshake (or aborts a connection still being set up). */
  public function close(code:Int, reason:String):Void {
    switch (readyState) {
      case ReadyState.Connecting:
        host.dispatch(BridgeEvent.simple("error", id, ReadyState.Closed, protocol));
        finish(CloseCode.ABNORMAL, "", false);
      case ReadyState.Open:
        readyState = ReadyState.Closing;
        fragments = null;
        writeFrame(Opcode.Close, FrameWriter.closeBody(code, reason));
        closeTimer = haxe.Timer.delay(onCloseTimeout, CLOSE_TIMEOUT_MS);
      default:
    }
  }

  function onConnect(_:Event):Void {
    host.log("socket " + id + ": TCP connected" + (tunnel != null ? " to proxy, tunnelling to " + tunnel : ""));
    if (tunnel != null) {
      writeText("CONNECT " + tunnel + " HTTP/1.1\r\nHost: " + tunnel + "\r\n\r\n");
    } else {
      writeText(handshake.request(url, origin, cookie, extraHeaders));
    }
  }

  function onData(_:ProgressEvent):Void {
    if (readyState == ReadyState.Closed) return;
    var before:Int = inbox.length;
    socket.readBytes(inbox, inbox.length);
    host.log("socket " + id + ": read " + (inbox.length - before) + " bytes");
    pump();
  }

  /** Consumes whatever complete units (tunnel answer, handshake answer, frames) the buffer holds. */
  function pump():Void {
    if (tunnel != null) {
      switch (HttpHead.read(inbox)) {
        case Incomplete: return;
        case Invalid(reason): return fail(CloseCode.ABNORMAL, "proxy answer to CONNECT " + tunnel + ": " + reason);
        case Complete(head):
          if (head.status != 200) return fail(CloseCode.ABNORMAL, "proxy refused CONNECT " + tunnel + ": " + head.statusLine);
          tunnel = null;
          consume(head.length);
          writeText(handshake.request(url, origin, cookie, extraHeaders));
      }
    }
    if (readyState == ReadyState.Connecting) {
      switch (HttpHead.read(inbox)) {
        case Incomplete: return;
        case Invalid(reason): return fail(CloseCode.ABNORMAL, "handshake with " + urlText + " failed: " + reason);
        case Complete(head):
          var problem = handshake.verify(head);
          if (problem != null) return fail(CloseCode.ABNORMAL, "handshake with " + urlText + " failed: " + problem);
          protocol = handshake.protocol;
          consume(head.length);
          stopTimers();
          readyState = ReadyState.Open;
          host.log("socket " + id + ": open");
          host.dispatch(BridgeEvent.simple("open", id, readyState, protocol));
      }
    }
    var pos = 0;
    while (readyState == ReadyState.Open || readyState == ReadyState.Closing) {
      switch (parser.read(inbox, pos)) {
        case Incomplete: break;
        case Invalid(code, reason): return fail(code, reason);
        case Complete(frame):
          pos += frame.wireLength;
          onFrame(frame);
      }
    }
    if (readyState != ReadyState.Closed) consume(pos);
  }

  function onFrame(frame:Frame):Void {
    switch (frame.opcode) {
      case Opcode.Text:
        if (fragments != null) return fail(CloseCode.PROTOCOL_ERROR, "new message before the last one ended");
        if (frame.fin) deliver(frame.payload) else fragments = frame.payload;
      case Opcode.Continuation:
        if (fragments == null) return fail(CloseCode.PROTOCOL_ERROR, "continuation frame without a message");
        var total:Int = fragments.length + frame.payload.length;
        if (total > MAX_MESSAGE) return fail(CloseCode.MESSAGE_TOO_BIG, "message larger than " + MAX_MESSAGE + " bytes");
        fragments.position = fragments.length;
        fragments.writeBytes(frame.payload);
        if (frame.fin) {
          var whole = fragments;
          fragments = null;
          deliver(whole);
        }
      case Opcode.Binary:
        fail(CloseCode.UNSUPPORTED_DATA, "binary frames are not supported by the Flash bridge");
      case Opcode.Ping:
        if (readyState == ReadyState.Open) writeFrame(Opcode.Pong, frame.payload);
      case Opcode.Close:
        onCloseFrame(frame.payload);
      default: // Pong: nothing to do (we never ping)
    }
  }

  function deliver(payload:ByteArray):Void {
    // After close() the API promises no more messages (WHATWG WebSockets: only OPEN sockets fire message).
    if (readyState != ReadyState.Open) return;
    var text = Utf8.decode(payload, 0, payload.length);
    if (text == null) return fail(CloseCode.INVALID_PAYLOAD, "text message is not valid UTF-8");
    host.dispatch(BridgeEvent.message(id, readyState, protocol, text));
  }

  function onCloseFrame(body:ByteArray):Void {
    var code = CloseCode.NO_STATUS;
    var reason:Null<String> = "";
    if (body.length == 1) return fail(CloseCode.PROTOCOL_ERROR, "close frame with a 1-byte body");
    if (body.length >= 2) {
      code = (body[0] << 8) | body[1];
      if (!CloseCode.isValidOnWire(code)) return fail(CloseCode.PROTOCOL_ERROR, "invalid close code " + code);
      reason = Utf8.decode(body, 2, body.length - 2);
      if (reason == null) return fail(CloseCode.INVALID_PAYLOAD, "close reason is not valid UTF-8");
    }
    if (readyState == ReadyState.Open) {
      // Server-initiated: echo its code, then we are done (the server closes TCP after reading our echo).
      writeFrame(Opcode.Close, FrameWriter.closeBody(code == CloseCode.NO_STATUS ? -1 : code, ""));
    }
    host.log("socket " + id + ": closing handshake complete (" + code + ")");
    finish(code, reason, true);
  }

  function onHandshakeTimeout():Void {
    handshakeTimer = null;
    fail(CloseCode.ABNORMAL, "no handshake answer from " + urlText + " within " + HANDSHAKE_TIMEOUT_MS + " ms");
  }

  function onCloseTimeout():Void {
    closeTimer = null;
    host.error("close of socket " + id + " to " + urlText + ": no close frame from the server within " + CLOSE_TIMEOUT_MS + " ms");
    finish(CloseCode.ABNORMAL, "", false);
  }

  function onSocketClose(_:Event):Void {
    if (readyState == ReadyState.Closed) return;
    // The server dropped TCP without a closing handshake: abnormal (1006), an error unless we were closing anyway.
    if (readyState != ReadyState.Closing) {
      host.error("connection to " + urlText + " closed by the server without a closing handshake");
      host.dispatch(BridgeEvent.simple("error", id, ReadyState.Closed, protocol));
    }
    finish(CloseCode.ABNORMAL, "", false);
  }

  function onIoError(e:IOErrorEvent):Void {
    fail(CloseCode.ABNORMAL, "I/O error on the connection to " + urlText + ": " + e.text);
  }

  function onSecurityError(e:SecurityErrorEvent):Void {
    fail(CloseCode.ABNORMAL, "security error connecting to " + urlText + " (is a socket policy file served?): " + e.text);
  }

  /**
   * _Fail the WebSocket Connection_ (RFC 6455 §7.1.7): send a close frame if the connection is established, then
   * drop it at once without waiting for the answer; report error, then close with our code.
   */
  function fail(code:Int, reason:String):Void {
    if (readyState == ReadyState.Closed) return;
    host.error("socket " + id + " to " + urlText + " failed (" + code + "): " + reason);
    if ((readyState == ReadyState.Open || readyState == ReadyState.Closing) && CloseCode.isValidOnWire(code)) {
      var body = FrameWriter.closeBody(code, reason);
      writeFrame(Opcode.Close, body.length <= 125 ? body : FrameWriter.closeBody(code, ""));
    }
    host.dispatch(BridgeEvent.simple("error", id, ReadyState.Closed, protocol));
    finish(code, reason, false);
  }

  /** Reaches CLOSED: releases the socket, its listeners and the timer, then reports close. Runs once. */
  function finish(code:Int, reason:String, wasClean:Bool):Void {
    if (readyState == ReadyState.Closed) return;
    readyState = ReadyState.Closed;
    stopTimers();
    socket.removeEventListener(Event.CONNECT, onConnect);
    socket.removeEventListener(Event.CLOSE, onSocketClose);
    socket.removeEventListener(ProgressEvent.SOCKET_DATA, onData);
    socket.removeEventListener(IOErrorEvent.IO_ERROR, onIoError);
    socket.removeEventListener(SecurityErrorEvent.SECURITY_ERROR, onSecurityError);
    if (socket.connected) {
      socket.close();
    } else {
      // A connect still under way (close() before Event.CONNECT) would open a connection nobody owns: drop it when
      // it lands. Closing a socket that is not connected throws IOError, and this SWF has no try/catch.
      socket.addEventListener(Event.CONNECT, closeLateConnection);
    }
    inbox = new ByteArray();
    fragments = null;
    host.dispatch(BridgeEvent.close(id, protocol, code, reason, wasClean));
    host.released(this);
  }

  function closeLateConnection(_:Event):Void {
    socket.removeEventListener(Event.CONNECT, closeLateConnection);
    socket.close();
  }

  function stopTimers():Void {
    if (handshakeTimer != null) handshakeTimer.stop();
    if (closeTimer != null) closeTimer.stop();
    handshakeTimer = null;
    closeTimer = null;
  }

  function consume(count:Int):Void {
    if (count <= 0) return;
    var rest = new ByteArray();
    var have:Int = inbox.length;
    if (have > count) rest.writeBytes(inbox, count, have - count);
    inbox = rest;
  }

  function writeFrame(opcode:Int, payload:ByteArray):Bool {
    var out = new ByteArray();
    FrameWriter.write(opcode, payload, out);
    return writeBytes(out);
  }

  function writeText(ascii:String):Void {
    var out = new ByteArray();
    Utf8.encode(ascii, out);
    writeBytes(out);
  }

  // No try/catch in this SWF (see FrameRead): write only to a connected socket, which cannot throw.
  function writeBytes(out:ByteArray):Bool {
    if (!socket.connected) {
      host.error("write to " + urlText + " skipped: the socket is not connected");
      return false;
    }
    socket.writeBytes(out);
    socket.flush();
    return true;
  }
}

// WebSocket readyState values, as the W3C WebSocket API and web-socket-js report them.
enum abstract ReadyState(Int) to Int {
  var Connecting = 0;
  var Open = 1;
  var Closing = 2;
  var Closed = 3;
}

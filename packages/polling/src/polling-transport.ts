// AJAX long-polling transport: a held GET receives, a POST sends, at most one of each in flight. Runs in
// every page (XMLHttpRequest) and in Node/workers (fetch). State, queue, pause and close rule: HttpTransport.
// @see https://developer.mozilla.org/en-US/docs/Web/API/XMLHttpRequest
// @see https://github.com/socketio/engine.io-protocol#http-long-polling

import { HttpTransport, httpSend, type HttpPostDone } from "@omnio/client";

export class PollingTransport extends HttpTransport {
  // A getter: a class field would cost a constructor
  get name(): "polling" {
    return "polling";
  }

  protected _receive(): () => void {
    return httpSend(this._context, { method: "GET", url: this._url(), transport: this.name }, (error, body) =>
      error ? this._fail(error) : this._deliver(body) && this._end(),
    );
  }

  protected _post(body: string, done: HttpPostDone): () => void {
    return httpSend(this._context, { method: "POST", url: this._url(), body, transport: this.name }, done);
  }
}

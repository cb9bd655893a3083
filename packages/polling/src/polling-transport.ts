// AJAX long-polling transport: a held GET receives, a POST sends, at most one of each in flight, both with
// fetch (pages, workers, Node). State, pause and close rule: HttpTransport; requests: FetchTransport.
// @see https://developer.mozilla.org/en-US/docs/Web/API/Fetch_API
// @see https://github.com/socketio/engine.io-protocol#http-long-polling

import { FetchTransport } from "@omnio/client";

export class PollingTransport extends FetchTransport {
  // A getter: a class field would cost a constructor
  get name(): "polling" {
    return "polling";
  }

  protected _receive(): () => void {
    return this._fetch(this._url(), async (response) => this._deliver(await response.text()) && this._end());
  }
}

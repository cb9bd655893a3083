// An msw-backed fake Engine.IO polling endpoint for unit tests: holds every GET until the test answers it,
// records every POST, and counts requests in flight per method (the one-GET-one-POST invariant).
import { http, HttpResponse } from "msw";
import { setupServer } from "msw/node";

export const BASE = "http://poll.test/socket.io/";
export const OPEN = '0{"sid":"s1","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

export interface HeldRequest {
  readonly url: URL;
  readonly body: string;
  readonly contentType: string | null;
  answered: boolean;
  aborted: boolean;
  respond(body: string, status?: number): void;
}

export class FakeEngine {
  readonly gets: HeldRequest[] = [];
  readonly posts: HeldRequest[] = [];
  readonly inFlight = { GET: 0, POST: 0 };
  readonly maxInFlight = { GET: 0, POST: 0 };
  /** Answer the handshake GET at once with the open packet. */
  autoHandshake = true;
  /** Answer POSTs at once with `ok`; when false they are held like GETs. */
  autoOk = true;
  readonly wakers = new Set<() => void>();
  readonly server = setupServer(
    http.get(BASE, ({ request }) => this.hold("GET", request, "")),
    http.post(BASE, async ({ request }) => this.hold("POST", request, await request.text())),
  );

  pendingGet(): HeldRequest | undefined {
    return this.gets.find((r) => !r.answered && !r.aborted);
  }
  pendingPost(): HeldRequest | undefined {
    return this.posts.find((r) => !r.answered && !r.aborted);
  }

  private async hold(method: "GET" | "POST", request: Request, body: string): Promise<Response> {
    const url = new URL(request.url);
    this.inFlight[method]++;
    this.maxInFlight[method] = Math.max(this.maxInFlight[method], this.inFlight[method]);
    let resolve!: (response: Response) => void;
    const response = new Promise<Response>((r) => (resolve = r));
    const held: HeldRequest = {
      url,
      body,
      contentType: request.headers.get("content-type"),
      answered: false,
      aborted: false,
      respond: (text, status = 200) => {
        if (held.answered || held.aborted) throw new Error(`${method} already settled`);
        held.answered = true;
        this.inFlight[method]--;
        resolve(new HttpResponse(text, { status, headers: { "Content-Type": "text/plain; charset=UTF-8" } }));
        this.wake();
      },
    };
    request.signal.addEventListener("abort", () => {
      if (held.answered) return;
      held.aborted = true;
      this.inFlight[method]--;
      resolve(new HttpResponse(null, { status: 499 }));
      this.wake();
    });
    (method === "GET" ? this.gets : this.posts).push(held);
    if (method === "GET" && this.autoHandshake && !url.searchParams.has("sid")) held.respond(OPEN);
    else if (method === "POST" && this.autoOk) held.respond("ok");
    else this.wake();
    return response;
  }

  private wake(): void {
    for (const w of [...this.wakers]) w();
  }
}

// Drives test/flash/swf-page.html: one Chromium page running bridge.swf under Ruffle, with the bridge surface
// callable from the test and every event, log and error the SWF reports collected in order, waitable with
// bounded deadlines.
import { EventEmitter } from "node:events";
import type { BrowserContext, Page } from "playwright-core";
import { newPage } from "../helpers/browser.js";

import type { FlashBridgeEvent } from "../../packages/flash-bridge/src/bridge-surface.js";

/** An event as the SWF's receiveEvents() returns it (web-socket-js shape): the package's own type. */
export type BridgeEvent = FlashBridgeEvent;

export interface ProxyEntry {
  host: string;
  port: number;
  proxyUrl: string;
}

export class BridgePage {
  readonly events: BridgeEvent[] = [];
  readonly logs: string[] = [];
  readonly errors: string[] = [];
  inits = 0;
  private emitter = new EventEmitter();

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly pageErrors: Error[],
  ) {}

  /** Opens the page and waits (up to `ms`: Ruffle needs a few seconds) for __onFlashInitialized. */
  static async open(origin: string, proxies: ProxyEntry[], jsObject?: string, ms = 30_000): Promise<BridgePage> {
    const { context, page, errors } = await newPage();
    const bridge = new BridgePage(context, page, errors);
    await page.exposeFunction("__omnioReport", (kind: string, payload: unknown) => bridge.record(kind, payload));
    const query = new URLSearchParams({ proxies: JSON.stringify(proxies) });
    if (jsObject) query.set("jsObject", jsObject);
    await page.goto(`${origin}/test/flash/swf-page.html?${query}`);
    await bridge.until(() => bridge.inits > 0, ms, "bridge.swf to call __onFlashInitialized");
    return bridge;
  }

  private record(kind: string, payload: unknown): void {
    if (kind === "init") this.inits++;
    else if (kind === "event") this.events.push(payload as BridgeEvent);
    else if (kind === "log") this.logs.push(String(payload));
    else if (kind === "error") this.errors.push(String(payload));
    this.emitter.emit("change");
  }

  /** Calls a method of the embedded SWF (the bridge surface) and returns its result. */
  call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    return this.page.evaluate(
      ([m, a]) => (window as unknown as { bridge: Record<string, (...x: unknown[]) => unknown> }).bridge[m]!(...a),
      [method, args] as const,
    ) as Promise<T>;
  }

  /** send(id, text) the way web-socket-js does it: URI-encoded. */
  send(id: number, text: string): Promise<number> {
    return this.page.evaluate(
      ([i, t]) => (window as unknown as { bridge: { send(id: number, d: string): number } }).bridge.send(i, encodeURIComponent(t)),
      [id, text] as const,
    );
  }

  eventsOf(id: number): BridgeEvent[] {
    return this.events.filter((e) => e.webSocketId === id);
  }

  /** Decoded message texts received on socket `id`, in order. */
  messagesOf(id: number): string[] {
    return this.eventsOf(id)
      .filter((e) => e.type === "message")
      .map((e) => decodeURIComponent(e.message ?? ""));
  }

  /** Resolves once `condition()` holds, re-checked on every report from the page; rejects after `ms`. */
  until(condition: () => boolean, ms: number, what: string): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        cleanup();
        resolve();
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out after ${ms} ms waiting for ${what}; bridge errors: ${JSON.stringify(this.errors.slice(-5))}`));
      }, ms);
      const cleanup = () => {
        clearTimeout(timer);
        this.emitter.off("change", check);
      };
      this.emitter.on("change", check);
    });
  }

  /** Waits for the first event of `type` on socket `id` and returns it. */
  async event(id: number, type: BridgeEvent["type"], ms = 15_000): Promise<BridgeEvent> {
    await this.until(() => this.eventsOf(id).some((e) => e.type === type), ms, `"${type}" on socket ${id}`);
    return this.eventsOf(id).find((e) => e.type === type)!;
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}

// Types of demo/server.mjs for the TypeScript tests that start the demo.
import type { Logger, Server } from "@omnio/server";

export interface DemoWeather {
  get(page: string): string;
  set(page: string, weather: string): void;
  close(): void;
}

export interface Demo {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) */
  url: string;
  port: number;
  io: Server;
  weather: DemoWeather;
  close(): Promise<void>;
}

export function startDemo(options?: { port?: number; host?: string; log?: (line: string) => void; logger?: Logger }): Promise<Demo>;

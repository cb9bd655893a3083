// One Chromium for the whole run; test files connect to it (see ./browser.ts).
import type { TestProject } from "vitest/node";
import type { BrowserServer } from "playwright-core";
import { launchChromiumServer } from "./chromium.js";

let server: BrowserServer | undefined;

declare module "vitest" {
  export interface ProvidedContext {
    chromiumWsEndpoint: string;
  }
}

export async function setup(project: TestProject) {
  server = await launchChromiumServer();
  project.provide("chromiumWsEndpoint", server.wsEndpoint());
}

export async function teardown() {
  await server?.close();
}

// Connects a test file to the run's shared Chromium. Each test gets its own context (no shared storage).
import { inject } from "vitest";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

let browser: Promise<Browser> | undefined;

export function getBrowser(): Promise<Browser> {
  browser ??= chromium.connect(inject("chromiumWsEndpoint"));
  return browser;
}

export async function closeBrowser(): Promise<void> {
  if (browser) await (await browser).close();
  browser = undefined;
}

/** A fresh context and page; page errors are collected so a test can assert there were none. */
export async function newPage(): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const context = await (await getBrowser()).newContext();
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on("pageerror", (e) => errors.push(e));
  return { context, page, errors };
}

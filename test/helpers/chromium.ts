// Finds the system Chromium (browser downloads are impossible on these machines) and launches it the way
// this closed network needs. Override with OMNIO_CHROMIUM=/path/to/chrome.
import { existsSync } from "node:fs";
import { chromium, type BrowserServer, type LaunchOptions } from "playwright-core";

const CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export function findChromium(): string {
  const override = process.env.OMNIO_CHROMIUM;
  if (override) {
    if (!existsSync(override)) throw new Error(`OMNIO_CHROMIUM points at ${override}, which does not exist`);
    return override;
  }
  const found = CANDIDATES.find((p) => existsSync(p));
  if (!found) {
    throw new Error(
      `No Chromium found (looked at ${CANDIDATES.join(", ")}). Install Debian's package: ` +
        "`apt-get update && apt-get install -y chromium`, or set OMNIO_CHROMIUM to a Chromium/Chrome binary.",
    );
  }
  return found;
}

export const CHROMIUM_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  // Tests run pages on two loopback origins and time things; background tabs must not be throttled.
  "--disable-background-timer-throttling",
  "--disable-renderer-backgrounding",
  "--disable-backgrounding-occluded-windows",
];

export function launchOptions(): LaunchOptions {
  return {
    executablePath: findChromium(),
    headless: true,
    args: [...CHROMIUM_ARGS, ...(process.getuid?.() === 0 ? ["--no-sandbox"] : [])],
  };
}

export function launchChromiumServer(): Promise<BrowserServer> {
  return chromium.launchServer(launchOptions());
}

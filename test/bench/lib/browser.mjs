// Chromium for the benchmarks. Playwright launches and drives it, but the measured page is opened through CDP
// (`Target.createBrowserContext` + `Target.createTarget`) in a context Playwright did not create, so Playwright
// detaches from it and does not enable network reporting there (which slows every frame and request; see
// BENCHMARKING.md). The page runs the benchmark itself and POSTs its samples to the bench server.
import { chromium } from "playwright-core";
import { importTs } from "./ts-import.mjs";

/** Launches the system Chromium; returns `{ version, runPage(url, waitSamples), close }`. */
export async function startChromium() {
  const { launchOptions } = await importTs("test/helpers/chromium.ts");
  const browser = await chromium.launch(launchOptions());
  const cdp = await browser.newBrowserCDPSession();
  return {
    version: browser.version(),
    /**
     * Opens `url` in a fresh browser context (own storage and connection pool), waits for `samples()` (a
     * promise of the page's POSTed body), then disposes of the context, tab and all.
     */
    async runPage(url, samples) {
      const { browserContextId } = await cdp.send("Target.createBrowserContext", { disposeOnDetach: true });
      try {
        await cdp.send("Target.createTarget", { url, browserContextId });
        return await samples;
      } finally {
        await cdp.send("Target.disposeBrowserContext", { browserContextId }).catch(() => {});
      }
    },
    close: () => browser.close(),
  };
}

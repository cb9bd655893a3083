// Proof that a bundler keeps only what is imported: @omnio/client + one transport, bundled from the built
// packages by esbuild and by rollup as a user's bundler would, holds no distinctive name of any other transport
// package; importing a package and using nothing bundles (almost) nothing, so `sideEffects: false` is true.
import { describe, expect, it } from "vitest";
import { bundleEsbuild, bundleRollup } from "../size/bundle.mjs";
import { CLIENT_PACKAGES, OMNIO_ENTRY, clientEntry } from "../size/entries.mjs";
import { availableTransports } from "../size/measure.mjs";
import { KNOWN_MARKERS, distinctiveNames, namesIn } from "./distinctive-names.js";

const { present, missing } = availableTransports();
const bundlers = { esbuild: bundleEsbuild, rollup: bundleRollup } as const;
// Names in the entry files are in every bundle whatever the packages do: they prove nothing.
const distinctive = distinctiveNames(
  present.map((t) => t.dir),
  [clientEntry(present), OMNIO_ENTRY],
);
const TIMEOUT = 120_000;

describe("transport packages", () => {
  // All six transport packages exist: one that can't be bundled means its build broke, not that it is absent.
  for (const t of missing) it(`${t.pkg} is built`, () => expect.fail(`${t.pkg}: ${t.reason}`));

  it("each has distinctive names, and the hand-picked markers are really its own", async () => {
    const { readFileSync } = await import("node:fs");
    const dist = (dir: string) => readFileSync(new URL(`../../packages/${dir}/dist/index.mjs`, import.meta.url), "utf8");
    for (const t of present) {
      // Polling is little more than the HTTP base it shares with three others (in @omnio/client): its own
      // names are its probe's reasons. Two still tell its code apart; the others have 20 and more.
      expect(distinctive.get(t.dir)?.size, `${t.pkg} distinctive names`).toBeGreaterThanOrEqual(2);
      for (const marker of KNOWN_MARKERS[t.dir] ?? []) {
        expect(dist(t.dir), `${marker} in ${t.pkg}`).toContain(marker);
        for (const other of ["client", ...present.map((p) => p.dir).filter((d) => d !== t.dir)]) {
          expect(dist(other), `${marker} (of ${t.pkg}) must not be in @omnio/${other}`).not.toContain(marker);
        }
      }
    }
  });
});

for (const [bundlerName, bundle] of Object.entries(bundlers)) {
  describe(`tree-shaking with ${bundlerName}`, () => {
    for (const t of present) {
      it(`@omnio/client + ${t.pkg} holds no other transport`, { timeout: TIMEOUT }, async () => {
        const { code } = await bundle(clientEntry([t]));
        const names = namesIn(code);
        const own = [...(distinctive.get(t.dir) ?? [])].filter((n) => names.has(n));
        // The markers survive minification: the bundle's own transport shows through them.
        expect(own.length / (distinctive.get(t.dir)?.size ?? 1), `share of ${t.pkg}'s names in its bundle`).toBeGreaterThan(0.5);
        for (const other of present.filter((p) => p !== t)) {
          const leaked = [...(distinctive.get(other.dir) ?? [])].filter((n) => names.has(n));
          expect(leaked, `names of ${other.pkg} in the ${t.pkg} bundle`).toEqual([]);
          for (const marker of KNOWN_MARKERS[other.dir] ?? []) expect(code, `${other.pkg} marker`).not.toContain(marker);
        }
      });
    }

    it.skipIf(present.length < 2)("the check catches a transport that is bundled (control)", { timeout: TIMEOUT }, async () => {
      const [a, b] = present;
      const names = namesIn((await bundle(clientEntry([a!, b!]))).code);
      expect([...(distinctive.get(b!.dir) ?? [])].filter((n) => names.has(n)).length).toBeGreaterThan(0);
    });

    it.skipIf(missing.length > 0)("the omnio preset holds every transport", { timeout: TIMEOUT }, async () => {
      const names = namesIn((await bundle(OMNIO_ENTRY)).code);
      for (const t of present) {
        const own = [...(distinctive.get(t.dir) ?? [])].filter((n) => names.has(n));
        expect(own.length, `names of ${t.pkg} in the omnio bundle`).toBeGreaterThan(0);
      }
    });

    for (const p of CLIENT_PACKAGES) {
      const factory = present.find((t) => t.pkg === p.pkg)?.factory;
      const sources = [`import "${p.pkg}";`, factory ? `import { ${factory} } from "${p.pkg}";` : `import * as unused from "${p.pkg}";`];
      it(`importing ${p.pkg} and using nothing bundles nothing`, { timeout: TIMEOUT }, async () => {
        for (const source of sources) {
          const { code } = await bundle(source);
          expect(code.trim(), source).toBe("");
        }
      });
    }
  });
}

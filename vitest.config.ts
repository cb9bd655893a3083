import { configDefaults, defineConfig } from "vitest/config";
import { fileURLToPath } from "node:url";

const src = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

// Unit tests import sources directly; e2e/interop tests under test/ load the built dist (npm test builds first).
export default defineConfig({
  resolve: {
    alias: [
      { find: /^@omnio\/([a-z-]+)$/, replacement: fileURLToPath(new URL("./packages/$1/src/index.ts", import.meta.url)) },
      { find: /^omnio$/, replacement: src("omnio") },
    ],
  },
  test: {
    include: ["packages/*/test/**/*.test.ts", "test/**/*.test.ts"],
    exclude: configDefaults.exclude,
    globalSetup: ["test/helpers/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: 2,
  },
});

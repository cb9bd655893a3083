// The shipped bridge.swf must be exactly what our Haxe source produces (CI installs Debian's haxe; see .ci/run).
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const script = fileURLToPath(new URL("../../packages/flash-bridge/scripts/build-swf.mjs", import.meta.url));

describe("bridge.swf", () => {
  it("is byte-identical to a fresh build of packages/flash-bridge/swf", () => {
    const result = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8", timeout: 60_000 });
    expect(result.status, `build-swf --check failed:\n${result.stdout}${result.stderr}`).toBe(0);
  });
});

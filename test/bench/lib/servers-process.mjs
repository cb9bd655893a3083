// Parent side of ../servers.mjs: start the child, learn its origins, wait for the page's samples, stop it.
import { fork } from "node:child_process";
import { EventEmitter } from "node:events";
import { fileURLToPath } from "node:url";
import { once } from "./stats.mjs";

/**
 * Starts the servers' child process. Resolves with `{ origins: {stock, omnio, raw}, samples, stop }`;
 * `samples(ms, what, run)` resolves with the body a page of run `run` POSTed (or rejects at the deadline).
 */
export async function startServers() {
  const child = fork(fileURLToPath(new URL("../servers.mjs", import.meta.url)), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const events = new EventEmitter();
  child.on("message", (msg) => events.emit(msg.type, msg.data ?? msg));
  child.on("exit", (code) => events.emit("exit", code));
  const exited = new Promise((ok) => child.once("exit", ok));
  const [ready] = await Promise.race([
    once(events, "ready", 30_000, "servers ready"),
    exited.then((code) => Promise.reject(new Error(`bench servers exited with code ${code} before ready`))),
  ]);
  return {
    origins: ready.origins,
    pid: child.pid,
    /** The next body POSTed by the page of run `run` (bodies of other, late runs are skipped). */
    async samples(ms, what, run) {
      const end = Date.now() + ms;
      for (;;) {
        const [data] = await once(events, "samples", Math.max(1, end - Date.now()), what);
        if (data?.run === run || data?.error) return data;
      }
    },
    async stop() {
      if (child.exitCode !== null) return;
      child.send({ type: "exit" });
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(t);
    },
  };
}

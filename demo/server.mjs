// `npm start`: the omnio demo — a chat on namespace /chat that shows how omnio chooses and switches transports,
// served by @omnio/server with every transport on (built first by the start script). PORT env (default 3000).
// `startDemo({ port })` is what tests call; running this file directly starts it and stops on SIGINT/SIGTERM.
// The seed's example still runs on the main namespace, its page at /example.
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { Server } from "@omnio/server";
import { attachChat } from "./chat.mjs";
import { attachSeedExample } from "./seed-example/app.mjs";
import { staticSite } from "./static.mjs";
import { attachWeather } from "./weather.mjs";

/**
 * @param {{ port?: number, host?: string, log?: (line: string) => void, logger?: import("@omnio/server").Logger }} [options]
 * @returns {Promise<{ url: string, port: number, io: Server, weather: ReturnType<typeof attachWeather>, close(): Promise<void> }>}
 */
export async function startDemo(options = {}) {
  const log = options.log ?? (() => {});
  const http = createServer(staticSite());
  const io = new Server(http, {
    // Ruffle never asks for a policy file and a fixed port would clash between parallel servers.
    flashPolicyPort: false,
    // A 1 MiB file as base64 on a text transport, plus the packet around it.
    maxHttpBufferSize: 2e6,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  attachSeedExample(io, log);
  attachChat(io, { log });
  const weather = attachWeather(http, io, { log });
  await new Promise((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port ?? 3000, options.host, () => {
      http.off("error", reject);
      resolve(undefined);
    });
  });
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const host = !options.host || options.host === "0.0.0.0" || options.host === "::" ? "localhost" : options.host.includes(":") ? `[${options.host}]` : options.host;
  let closing;
  return {
    url: `http://${host}:${port}`,
    port,
    io,
    weather,
    close: () =>
      (closing ??= (async () => {
        weather.close();
        await io.close();
      })()),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const demo = await startDemo({ port: Number(process.env.PORT ?? 3000), log: console.log });
  console.log(`omnio demo: ${demo.url}/  (the seed example: ${demo.url}/example, client script: /socket.io/socket.io.js)`);
  const stop = () => {
    console.log("shutting down");
    demo.close().then(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

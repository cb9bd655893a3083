// `npm start`: the seed's example served by @omnio/server (built first by the start script).
// PORT env (default 3000). Open http://localhost:3000/ in a browser.
import { createServer } from "node:http";
import { Server } from "@omnio/server";
import { attachSeedExample, seedPage } from "./seed-example/app.mjs";

const port = Number(process.env.PORT ?? 3000);
const http = createServer(seedPage());
const io = new Server(http);
attachSeedExample(io);

http.listen(port, () => {
  const actual = http.address().port;
  console.log(`omnio demo: http://localhost:${actual}/  (client script: /socket.io/socket.io.js)`);
});

const stop = () => {
  console.log("shutting down");
  io.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

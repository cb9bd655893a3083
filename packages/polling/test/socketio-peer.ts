// A real socket.io@4.8 server on loopback port 0 for the transports' interop tests, with a small script:
// on connection it emits `welcome`; `hello` is echoed back as `echo`; `bin` echoes a Buffer back as `bin`;
// `burst` emits n events of `size` characters in one go. Every server-side socket and event is recorded.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server, type ServerOptions, type Socket } from "socket.io";
import type { EnginePacket } from "@omnio/client";
import type { Driver } from "./driver.js";

export interface Peer {
  io: Server;
  base: string;
  sockets: Socket[];
  disconnects: string[];
  upgrades: string[];
  received: unknown[][];
  close(): Promise<void>;
}

export async function startSocketIo(options: Partial<ServerOptions> = {}): Promise<Peer> {
  const http = createServer();
  const io = new Server(http, { serveClient: false, ...options });
  const peer: Peer = {
    io,
    base: "",
    sockets: [],
    disconnects: [],
    upgrades: [],
    received: [],
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
  io.on("connection", (socket) => {
    peer.sockets.push(socket);
    socket.conn.on("upgrade", (transport: { name: string }) => peer.upgrades.push(transport.name));
    socket.on("disconnect", (reason) => peer.disconnects.push(reason));
    socket.onAny((...args: unknown[]) => peer.received.push(args));
    socket.on("hello", (text: string) => socket.emit("echo", `${text}!`));
    socket.on("bin", (data: Buffer) => socket.emit("bin", Buffer.concat([data, Buffer.from([255])])));
    socket.on("burst", (n: number, size: number) => {
      for (let i = 0; i < n; i++) socket.emit("chunk", i, "x".repeat(size));
    });
    socket.emit("welcome", { transport: socket.conn.transport.name });
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  peer.base = `http://127.0.0.1:${(http.address() as AddressInfo).port}/socket.io/`;
  return peer;
}

/** Socket.IO packets (type 4 messages) the driver has received, as text, in order. */
export const socketPackets = (driver: Driver): EnginePacket["data"][] =>
  driver.packets.filter((p) => p.type === "message").map((p) => p.data);

/** Text event frames whose name is `name`, parsed: `42["name",…]` → [`name`, …]. */
export function events(driver: Driver, name: string): unknown[][] {
  return socketPackets(driver)
    .filter((d): d is string => typeof d === "string" && d.startsWith("2["))
    .map((d) => JSON.parse(d.slice(1)) as unknown[])
    .filter((args) => args[0] === name);
}

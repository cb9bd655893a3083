// Codec benchmark: omnio's Socket.IO + Engine.IO codecs against the reference pair socket.io@4.8 uses
// (socket.io-parser Encoder/Decoder + engine.io-parser encodePacket/decodePacket), on the whole path from a
// SocketPacket to engine frames and back. Imports the BUILT client (run `OMNIO_PACKAGES=client npm run build`).
// `node test/bench/codec.mjs` prints a table; `run()` returns the rows for `npm run bench`.
// Method: one untimed warm-up pass over every case, then `rounds` rounds; in each round every (case, codec,
// direction) runs for `ms` milliseconds, the codecs alternating so drift hits both alike; median ops/s wins.
import { fileURLToPath, pathToFileURL } from "node:url";
import * as omnio from "../../packages/client/dist/index.mjs";
import * as eio from "engine.io-parser";
// The production build: the package's "node" export condition points at a build with debug() calls.
import * as sio from "../../node_modules/socket.io-parser/build/esm/index.js";

const EVENT = 2;

function nested2k() {
  const users = [];
  for (let i = 0; i < 12; i++) {
    users.push({ id: 1000 + i, name: `user-${i}`, online: i % 3 !== 0, score: i * 13.5, tags: ["a", "bb", "ccc"].slice(0, (i % 3) + 1), last: { room: "/lobby", at: 1700000000000 + i } });
  }
  return { room: "lobby", users, meta: { v: 2, cursor: null } };
}

/** The benchmark cases: name and a packet factory (same packet for both codecs). */
export const CASES = [
  ["small event", () => ({ type: EVENT, nsp: "/", data: ["message", "hello world"] })],
  ["event + ack id in /chat", () => ({ type: EVENT, nsp: "/chat", id: 42, data: ["msg", { text: "hi", from: "ann" }] })],
  ["2 KB nested JSON", () => ({ type: EVENT, nsp: "/", data: ["state", nested2k()] })],
  ["2 binary attachments", () => ({ type: EVENT, nsp: "/", data: ["upload", { name: "a.bin", chunk: new Uint8Array(1024).fill(7) }, new Uint8Array(256).fill(1).buffer] })],
];

/** Both codecs behind the same four functions: socket packet → engine frames → socket packet. */
function codecs(supportsBinary) {
  const decoder = new omnio.SocketDecoder();
  const refEncoder = new sio.Encoder();
  const refDecoder = new sio.Decoder();
  let refOut;
  refDecoder.on("decoded", (p) => (refOut = p));
  return {
    omnio: {
      encode(packet) {
        const frames = omnio.encodeSocketPacket(packet);
        for (let i = 0; i < frames.length; i++) frames[i] = omnio.encodePacket({ type: "message", data: frames[i] }, supportsBinary);
        return frames;
      },
      decode(frames) {
        let out;
        for (let i = 0; i < frames.length; i++) out = decoder.add(omnio.decodePacket(frames[i]).data);
        return out;
      },
    },
    reference: {
      encode(packet) {
        const frames = refEncoder.encode(packet);
        for (let i = 0; i < frames.length; i++) eio.encodePacket({ type: "message", data: frames[i] }, supportsBinary, (f) => (frames[i] = f));
        return frames;
      },
      decode(frames) {
        refOut = undefined;
        for (let i = 0; i < frames.length; i++) refDecoder.add(eio.decodePacket(frames[i], "arraybuffer").data);
        return refOut;
      },
    },
  };
}

let sink = 0;
function measure(op, ms) {
  let n = 0;
  const start = performance.now();
  const end = start + ms;
  let now;
  do {
    for (let i = 0; i < 64; i++) sink ^= op() ? 1 : 0;
    n += 64;
  } while ((now = performance.now()) < end);
  return (n * 1000) / (now - start);
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/** Run the benchmark; returns one row per case with median ops/s and the ratio omnio / reference. */
export async function run({ ms = 300, rounds = 5, warmupMs = 150 } = {}) {
  const plans = [];
  for (const [name, make] of CASES) {
    for (const supportsBinary of name.includes("binary") ? [true, false] : [true]) {
      const c = codecs(supportsBinary);
      const label = name.includes("binary") ? `${name} (${supportsBinary ? "binary" : "base64"})` : name;
      const packet = make();
      const framesOmnio = c.omnio.encode(packet);
      const framesRef = c.reference.encode(packet);
      // Sanity: both speak the same wire, and each decodes what it encoded.
      if (framesOmnio[0] !== framesRef[0]) throw new Error(`${label}: text frames differ:\n${framesOmnio[0]}\n${framesRef[0]}`);
      if (!c.omnio.decode(framesOmnio) || !c.reference.decode(framesRef)) throw new Error(`${label}: decode produced nothing`);
      plans.push({
        label,
        ops: {
          encodeOmnio: () => c.omnio.encode(packet),
          encodeRef: () => c.reference.encode(packet),
          // Decoding consumes frames; the frames are immutable strings/buffers, so they can be replayed.
          decodeOmnio: () => c.omnio.decode(framesOmnio),
          decodeRef: () => c.reference.decode(framesRef),
        },
      });
    }
  }
  for (const p of plans) for (const op of Object.values(p.ops)) measure(op, warmupMs);
  const samples = plans.map(() => ({ encodeOmnio: [], encodeRef: [], decodeOmnio: [], decodeRef: [] }));
  for (let r = 0; r < rounds; r++) {
    plans.forEach((p, i) => {
      // Alternate which codec goes first so neither always runs on a warmer or cooler CPU.
      const order = r % 2 ? ["encodeRef", "encodeOmnio", "decodeRef", "decodeOmnio"] : ["encodeOmnio", "encodeRef", "decodeOmnio", "decodeRef"];
      for (const k of order) samples[i][k].push(measure(p.ops[k], ms));
    });
  }
  return plans.map((p, i) => {
    const m = Object.fromEntries(Object.entries(samples[i]).map(([k, v]) => [k, median(v)]));
    return {
      case: p.label,
      encodeOmnio: m.encodeOmnio,
      encodeReference: m.encodeRef,
      encodeRatio: m.encodeOmnio / m.encodeRef,
      decodeOmnio: m.decodeOmnio,
      decodeReference: m.decodeRef,
      decodeRatio: m.decodeOmnio / m.decodeRef,
    };
  });
}

/** Format rows as a Markdown table. */
export function format(rows) {
  const k = (x) => (x >= 1e6 ? (x / 1e6).toFixed(2) + "M" : (x / 1e3).toFixed(0) + "k");
  const lines = [
    "| case | encode omnio | encode reference | ratio | decode omnio | decode reference | ratio |",
    "|---|---:|---:|---:|---:|---:|---:|",
  ];
  for (const r of rows) {
    lines.push(`| ${r.case} | ${k(r.encodeOmnio)}/s | ${k(r.encodeReference)}/s | ${r.encodeRatio.toFixed(2)} | ${k(r.decodeOmnio)}/s | ${k(r.decodeReference)}/s | ${r.decodeRatio.toFixed(2)} |`);
  }
  return lines.join("\n");
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await run();
  console.log(`Codec benchmark, Node ${process.version} (median of 5 × 300 ms; ratio = omnio / reference, > 1 is faster)\n`);
  console.log(format(rows));
  if (sink === 2) console.log(fileURLToPath(import.meta.url)); // keeps `sink` observable
}

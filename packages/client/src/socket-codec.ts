// Socket.IO v5 packet codec: `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`, binary attachments carried
// as separate Engine.IO messages and referenced by `{"_placeholder":true,"num":N}`.
// @see https://github.com/socketio/socket.io-protocol#packet-format (v5)

import { ProtocolError } from "./errors.js";
import { isBinary, type BinaryData } from "./engine-codec.js";

export const CONNECT = 0, DISCONNECT = 1, EVENT = 2, ACK = 3, CONNECT_ERROR = 4, BINARY_EVENT = 5, BINARY_ACK = 6;
export type SocketPacketType = 0 | 1 | 2 | 3 | 4 | 5 | 6;

export interface SocketPacket {
  type: SocketPacketType;
  /** Namespace, `/` for the main one. */
  nsp: string;
  /** Ack id: set on an EVENT that wants an ACK, and on that ACK. */
  id?: number;
  data?: unknown;
}

const PREFIX = "Bad Socket.IO packet: ";
/** Beyond this depth data is treated as cyclic; it also keeps our recursion far from the stack limit. */
const MAX_DEPTH = 1e3;
/** Type digit, attachment count and `-`, namespace and `,`, ack id; the JSON payload (if any) follows. */
const HEADER = /^([0-6])(?:(\d+)-)?(?:(\/[^,]*),)?(\d*)/;

const fail = (what: string, cause?: unknown): never => {
  throw new ProtocolError(PREFIX + what, { cause });
};

/** Event names the API itself emits: a user may not emit them, and a peer may not send them. */
const RESERVED: unknown[] = ["connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"];
export const isReservedEvent = (name: unknown): boolean => RESERVED.includes(name);

/**
 * How each type's payload starts (BINARY_EVENT/BINARY_ACK: as EVENT/ACK). Once JSON.parse accepts it, that says
 * its type: `{` an object, `[` an array, `["` one starting with a string (the event name), `"` a string.
 */
const PAYLOAD = [
  /^({|$)/, // CONNECT: an object or nothing
  /^$/, // DISCONNECT: nothing
  /^\["/, // EVENT
  /^\[/, // ACK
  /^[{"]/, // CONNECT_ERROR: an object or a string
];

/**
 * Whether `value` holds binary anywhere, as JSON.stringify will see it (after toJSON). Most packets hold none
 * and are then stringified as given, which is fastest. Too deep (cyclic?) answers yes: JSON.stringify then decides.
 */
function hasBinary(value: any, depth: number): boolean {
  if (depth > MAX_DEPTH || isBinary(value)) return true;
  // Arrays without a closure: most data is arrays of primitives.
  if (Array.isArray(value)) {
    for (const v of value) if (typeof v === "object" && hasBinary(v, depth + 1)) return true;
    return false;
  }
  if (typeof value?.toJSON === "function") value = value.toJSON();
  // for-in over null or a primitive finds nothing to recurse into.
  for (const key in value) if (typeof value[key] === "object" && hasBinary(value[key], depth + 1)) return true;
  return false;
}

/**
 * Encode a packet: the text frame first, then one binary per attachment. EVENT/ACK data holding binary
 * (anywhere) becomes BINARY_EVENT/BINARY_ACK; BINARY_* without binary is sent as plain EVENT/ACK.
 */
export function encodeSocketPacket(packet: SocketPacket): Array<string | BinaryData> {
  const { type, nsp, id, data } = packet;
  const frames: Array<string | BinaryData> = [""];
  // EVENT, ACK and their BINARY_ forms: whether they are binary depends on the data alone.
  const eventOrAck = type > DISCONNECT && type !== CONNECT_ERROR;
  let json: string | undefined;
  try {
    // With binary: a replacer puts placeholders in its place (it sees each value as its holder has it, before
    // toJSON, so a Buffer is still binary); the caller's data is not touched, and a cycle is refused by
    // JSON.stringify in its own words. Slower than no replacer, hence only then.
    json = JSON.stringify(
      data,
      eventOrAck && hasBinary(data, 0)
        ? function (this: any, key, value) {
            const raw = this[key];
            return isBinary(raw) ? { _placeholder: true, num: frames.push(raw) - 2 } : value;
          }
        : undefined,
    );
  } catch (error) {
    fail("data not JSON-serializable", error);
  }
  const attachments = frames.length - 1;
  const base = type > CONNECT_ERROR ? type - 3 : type;
  let s = attachments ? base + 3 + "" + attachments + "-" : "" + base;
  if (nsp && nsp !== "/") {
    if (nsp[0] !== "/" || nsp.includes(",")) fail("bad namespace");
    s += nsp + ",";
  }
  // The ack id comes from our own counters (or a decoded packet): not re-checked.
  frames[0] = s + (id ?? "") + (json ?? "");
  return frames;
}

/**
 * Decodes the frames of one connection in order: `add` returns a packet when it is complete (undefined while
 * a binary packet still waits for attachments). Anything malformed throws ProtocolError; the decoder is then
 * ready for the next packet (a partial binary packet is dropped). Attachments are kept as received: the engine
 * decoder has already made them what its binaryType asks for.
 */
export class SocketDecoder {
  /** The binary packet waiting for attachments. */
  private _packet: SocketPacket | undefined;
  /** Where the attachments still to come go, [container, key], in num order. */
  private _slots!: Array<[Record<string, unknown>, string]>;

  get awaitingAttachments(): boolean {
    return !!this._packet;
  }

  reset(): void {
    this._packet = undefined;
  }

  add(chunk: string | ArrayBuffer | ArrayBufferView): SocketPacket | undefined {
    const pending = this._packet;
    if (typeof chunk !== "string") {
      if (!pending) fail("unexpected binary frame");
      // Attachments arrive in num order. Plain assignment is safe even for a "__proto__" key: JSON.parse made
      // it an own property.
      const [container, key] = this._slots.shift()!;
      container[key] = chunk;
      if (this._slots.length) return undefined;
      this.reset();
      return pending;
    }
    if (pending) {
      this.reset();
      fail("attachment missing");
    }

    const m = HEADER.exec(chunk) ?? fail("unknown type");
    const type = +m[1] as SocketPacketType;
    const count = +m[2]; // NaN without one
    // Binary types need 1 to 10,000 attachments (a count such as `599999999-` is refused before any JSON is parsed).
    if (type > CONNECT_ERROR ? !(count && count <= 1e4) : m[2]) fail("bad attachment count");
    const id = m[4] ? +m[4] : undefined;
    const rule = type > CONNECT_ERROR ? type - 3 : type;
    // EVENT may carry an ack id, ACK must, the others may not.
    if (id === undefined ? rule === ACK : rule < EVENT || rule > ACK || id >= 2 ** 53) fail("bad ack id");
    const rest = chunk.slice(m[0].length);
    if (!PAYLOAD[rule].test(rest)) fail("invalid payload");
    let data: any;
    if (rest) {
      try {
        data = JSON.parse(rest);
      } catch (error) {
        fail("invalid JSON", error);
      }
    }
    if (rule === EVENT && isReservedEvent(data[0])) fail("reserved event name");
    // id and data may be undefined: consumers test `=== undefined`, not `in`.
    const packet: SocketPacket = { type, nsp: m[3] || "/", id, data };
    if (!count) return packet;

    // Find each placeholder: num in range and used once, all of 0..count-1 present.
    const slots: Array<[Record<string, unknown>, string]> = [];
    let found = 0;
    const walk = (container: any, depth: number): void => {
      if (depth > MAX_DEPTH) fail("data too deep");
      // for-in also walks arrays; JSON.parse output has only own keys.
      for (const key in container) {
        const v = container[key];
        if (v?._placeholder === true) {
          const num = v.num;
          // `>>> 0` leaves only a non-negative integer (a number) unchanged.
          if (!(num >>> 0 === num && num < count) || slots[num]) fail("bad placeholder");
          slots[num] = [container, key];
          found++;
        } else if (typeof v === "object") {
          walk(v, depth + 1); // null included: nothing in it
        }
      }
    };
    walk(data, 0);
    if (found < count) fail("bad placeholder");
    this._packet = packet;
    this._slots = slots;
    return undefined;
  }
}

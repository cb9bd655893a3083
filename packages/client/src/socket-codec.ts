// Socket.IO v5 packet codec: `<type>[<attachments>-][<nsp>,][<ack id>][<JSON>]`, binary attachments carried
// as separate Engine.IO messages and referenced by `{"_placeholder":true,"num":N}`.
// @see https://github.com/socketio/socket.io-protocol#packet-format (v5)

import { ProtocolError } from "./errors.js";
import { isBinary, toBinary, type BinaryData, type BinaryType } from "./engine-codec.js";

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

export interface SocketDecoderOptions {
  /**
   * Most attachments one packet may announce (default 10,000). Each announced attachment must also appear as a
   * placeholder in the text frame (≥ 28 bytes each), so the real bound is the frame size; this cap stops a
   * header such as `599999999-` before any JSON is parsed, and bounds what a peer can make us wait for.
   */
  maxAttachments?: number;
  /** Convert attachments (`arraybuffer`, `nodebuffer`); by default they are kept exactly as received. */
  binaryType?: BinaryType;
}

/** Beyond this depth data is treated as cyclic; it also keeps our recursion far from the stack limit. */
const MAX_DEPTH = 1000;
const MAX_ID = Number.MAX_SAFE_INTEGER;
const hasOwn = Object.prototype.hasOwnProperty;

/** Event names the API itself emits: a user may not emit them, and a peer may not send them. */
export const isReservedEvent = (name: unknown): boolean =>
  name === "connect" || name === "connect_error" || name === "disconnect" ||
  name === "disconnecting" || name === "newListener" || name === "removeListener";

const encodeError = (what: string, cause?: unknown): ProtocolError =>
  new ProtocolError("Cannot encode Socket.IO packet: " + what, cause === undefined ? undefined : { cause });

/**
 * `value` (an object) with each binary replaced by a placeholder (the binary pushed on `out`). Most packets hold
 * no binary: then the value itself comes back and nothing is allocated; otherwise a copy, the caller's data
 * untouched. Speed matters (every emit walks its data before JSON.stringify): arrays are tested first, and
 * primitives never cost a call. Spread/slice keep an own "__proto__" key (JSON.parse makes those) a property.
 */
function extract(value: object, key: string | number, out: BinaryData[], depth: number): unknown {
  if (depth > MAX_DEPTH) throw encodeError("cyclic or too deep data");
  let v: unknown, r: unknown;
  if (Array.isArray(value)) {
    const list: unknown[] = value;
    let copied: unknown[] | undefined;
    for (let i = 0; i < list.length; i++) {
      if (typeof (v = list[i]) === "object" && v !== null && (r = extract(v, i, out, depth + 1)) !== v) (copied ??= list.slice())[i] = r;
    }
    return copied ?? value;
  }
  const source = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  if (isBinary(value)) return { _placeholder: true, num: out.push(value) - 1 };
  const toJSON = source.toJSON;
  if (typeof toJSON === "function") {
    const json: unknown = toJSON.call(value, "" + key);
    // Unchanged: leave the original, JSON.stringify calls its toJSON again.
    return typeof json === "object" && json !== null && (r = extract(json, key, out, depth + 1)) !== json ? r : value;
  }
  for (const k in source) {
    if (typeof (v = source[k]) === "object" && v !== null && hasOwn.call(source, k) && (r = extract(v, k, out, depth + 1)) !== v) (copy ??= { ...source })[k] = r;
  }
  return copy ?? value;
}

/**
 * Encode a packet: the text frame first, then one binary per attachment. EVENT/ACK data holding binary
 * (anywhere) becomes BINARY_EVENT/BINARY_ACK; BINARY_* without binary is sent as plain EVENT/ACK.
 */
export function encodeSocketPacket(packet: SocketPacket): Array<string | BinaryData> {
  const { nsp, id } = packet;
  let type: number = packet.type;
  let data = packet.data;
  let attachments: BinaryData[] | undefined;
  // EVENT, ACK and their BINARY_ forms: whether they are binary depends on the data alone.
  if (type > DISCONNECT && type !== CONNECT_ERROR) {
    if (type > CONNECT_ERROR) type -= 3;
    const found: BinaryData[] = [];
    if (typeof data === "object" && data !== null) data = extract(data, "", found, 0);
    if (found.length) {
      attachments = found;
      type += 3;
    }
  }
  let s = "" + type;
  if (attachments) s += attachments.length + "-";
  if (nsp && nsp !== "/") {
    if (nsp.charCodeAt(0) !== 47 || nsp.includes(",")) throw encodeError(`namespace ${JSON.stringify(nsp)} must start with "/", without ","`);
    s += nsp + ",";
  }
  if (id !== undefined) {
    if (!(Number.isSafeInteger(id) && id >= 0)) throw encodeError(`ack id ${id} is not a non-negative integer`);
    s += id;
  }
  if (data !== undefined) {
    let json: string | undefined;
    try {
      json = JSON.stringify(data);
    } catch (error) {
      throw encodeError((error as Error).message, error);
    }
    if (json !== undefined) s += json;
  }
  if (!attachments) return [s];
  const frames: Array<string | BinaryData> = attachments;
  frames.unshift(s);
  return frames;
}

/** What each packet type's payload must be (BINARY_EVENT/BINARY_ACK use EVENT's/ACK's). */
const PAYLOAD_RULE = [
  "CONNECT payload must be an object",
  "DISCONNECT with a payload",
  "EVENT payload must be an array starting with the event name",
  "ACK needs an ack id and an array payload",
  "CONNECT_ERROR payload must be an object or a string",
];

/**
 * Decodes the frames of one connection in order: `add` returns a packet when it is complete (undefined while
 * a binary packet still waits for attachments). Anything malformed throws ProtocolError; the decoder is then
 * ready for the next packet (a partial binary packet is dropped).
 */
export class SocketDecoder {
  private readonly _max: number;
  private readonly _binaryType: BinaryType | undefined;
  /** The binary packet waiting for attachments. */
  private _pending: SocketPacket | undefined;
  private _expected = 0;
  /** Where each attachment goes: flat triples (container, key, num). */
  private _slots!: unknown[];
  private _buffers!: unknown[];

  constructor(options: SocketDecoderOptions = {}) {
    this._max = options.maxAttachments ?? 10_000;
    this._binaryType = options.binaryType;
    this.reset();
  }

  get awaitingAttachments(): boolean {
    return this._pending !== undefined;
  }

  reset(): void {
    this._pending = undefined;
    this._slots = [];
    this._buffers = [];
  }

  add(chunk: string | ArrayBuffer | ArrayBufferView): SocketPacket | undefined {
    if (typeof chunk === "string") {
      if (this._pending) {
        const missing = this._expected - this._buffers.length;
        this.reset();
        fail(`text frame while ${missing} attachment(s) are pending`, chunk);
      }
      return this._decodeText(chunk);
    }
    if (!this._pending) throw new ProtocolError("Cannot decode Socket.IO packet: binary frame while no attachment is expected");
    this._buffers.push(this._binaryType ? toBinary(chunk, this._binaryType) : chunk);
    if (this._buffers.length < this._expected) return undefined;
    const { _pending: pending, _slots: slots, _buffers: buffers } = this;
    for (let i = 0; i < slots.length; i += 3) {
      // Plain assignment is safe even for a "__proto__" key: JSON.parse made it an own property.
      (slots[i] as Record<string, unknown>)[slots[i + 1] as string] = buffers[slots[i + 2] as number];
    }
    this.reset();
    return pending;
  }

  private _decodeText(s: string): SocketPacket | undefined {
    const type = s.charCodeAt(0) - 48;
    if (!(type >= CONNECT && type <= BINARY_ACK)) fail(s ? `unknown packet type ${JSON.stringify(s[0])}` : "empty frame", s);
    const max = this._max;
    let i = 1;
    let c = s.charCodeAt(1);
    let count = 0;
    if (type > CONNECT_ERROR) {
      // Stops reading digits past the bound, so a huge count costs nothing.
      for (; c >= 48 && c <= 57 && count <= max; c = s.charCodeAt(++i)) count = count * 10 + (c - 48);
      if (c !== 45 || !count || count > max) fail(`attachment count must be 1 to maxAttachments (${max}), then "-"`, s);
      c = s.charCodeAt(++i);
    }
    let nsp = "/";
    if (c === 47) {
      const comma = s.indexOf(",", i);
      if (comma < 0) fail('namespace without a terminating ","', s);
      nsp = s.slice(i, comma);
      c = s.charCodeAt((i = comma + 1));
    }
    let id: number | undefined;
    if (c >= 48 && c <= 57) {
      if (type < EVENT || type === CONNECT_ERROR) fail(`ack id in a type ${type} packet`, s);
      for (id = 0; c >= 48 && c <= 57 && id <= MAX_ID; c = s.charCodeAt(++i)) id = id * 10 + (c - 48);
      if (id > MAX_ID) fail("ack id too large", s);
    }
    if (c === 45) fail(`"-" at byte ${i}: a negative ack id, or an attachment count in a type ${type} packet`, s);
    let data: unknown;
    if (i < s.length) {
      // Every valid payload is an object, an array or (CONNECT_ERROR) a string.
      if (c !== 123 && c !== 91 && c !== 34) {
        fail(nsp === "/" && s.includes(",", i) ? 'namespace must start with "/"' : `unexpected ${JSON.stringify(s[i])} at byte ${i}`, s);
      }
      try {
        data = JSON.parse(s.slice(i));
      } catch (error) {
        fail(`invalid JSON at byte ${i}`, s, error);
      }
    }
    const rule = type > CONNECT_ERROR ? type - 3 : type;
    if (
      rule === CONNECT ? data !== undefined && !isObject(data)
      : rule === DISCONNECT ? data !== undefined
      : rule === CONNECT_ERROR ? typeof data !== "string" && !isObject(data)
      : !Array.isArray(data) || (rule === EVENT ? typeof data[0] !== "string" : id === undefined)
    ) {
      fail(PAYLOAD_RULE[rule]!, s);
    }
    if (rule === EVENT && isReservedEvent((data as unknown[])[0])) fail(`reserved event name ${JSON.stringify((data as unknown[])[0])}`, s);
    const packet: SocketPacket = { type: type as SocketPacketType, nsp };
    if (id !== undefined) packet.id = id;
    if (data !== undefined) packet.data = data;
    if (!count) return packet;

    const slots: unknown[] = [];
    findPlaceholders(data, slots, new Uint8Array(count), s, 0);
    if (slots.length !== count * 3) fail(`${slots.length / 3} placeholder(s) for ${count} attachment(s)`, s);
    this._pending = packet;
    this._expected = count;
    this._slots = slots;
    return undefined;
  }
}

const isObject = (v: unknown): v is object => typeof v === "object" && v !== null && !Array.isArray(v);

/** Record where each `{"_placeholder":true,"num":N}` under `container` sits, checking N is in range and used once. */
function findPlaceholders(container: unknown, slots: unknown[], seen: Uint8Array, s: string, depth: number): void {
  if (depth > MAX_DEPTH) fail(`data nested deeper than ${MAX_DEPTH} levels`, s);
  // for-in also walks arrays (string keys index them as well); JSON.parse output has only own keys.
  for (const key in container as object) {
    const v = (container as Record<string, { _placeholder?: unknown; num?: unknown } | null>)[key];
    if (typeof v !== "object" || v === null) continue;
    if (v._placeholder !== true) {
      findPlaceholders(v, slots, seen, s, depth + 1);
      continue;
    }
    const num = v.num;
    if (typeof num !== "number" || !(num >= 0 && num < seen.length) || num % 1) fail(`placeholder num ${JSON.stringify(num)} out of range`, s);
    if (seen[num]) fail(`placeholder num ${num} used twice`, s);
    seen[num] = 1;
    slots.push(container, key, num);
  }
}

function fail(what: string, frame: string, cause?: unknown): never {
  const shown = frame.length > 60 ? JSON.stringify(frame.slice(0, 60)) + "…" : JSON.stringify(frame);
  throw new ProtocolError(`Cannot decode Socket.IO packet ${shown}: ${what}`, cause === undefined ? undefined : { cause });
}

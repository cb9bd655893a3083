// The registry of server transports. Adding one (xhr-multipart, htmlfile, jsonp, flashsocket) = writing its
// file and listing its definition here; order matters only among definitions sharing a wire name (the more
// specific, with `matches`, first). Ranks: duplex > streaming > polling (see each definition).
import type { TransportDefinition } from "./server-transport.js";
import { pollingDefinition } from "./polling.js";
import { jsonpDefinition } from "./jsonp.js";
import { websocketDefinition } from "./websocket.js";
import { xhrMultipartDefinition } from "./xhr-multipart.js";
import { htmlfileDefinition } from "./htmlfile.js";
import { flashsocketDefinition } from "./flashsocket.js";

export const TRANSPORTS: readonly TransportDefinition[] = [websocketDefinition, flashsocketDefinition, xhrMultipartDefinition, htmlfileDefinition, jsonpDefinition, pollingDefinition];

/** The enabled definition that serves `wire` for this request's query, if any. */
export function findTransport(
  enabled: readonly TransportDefinition[],
  wire: string,
  query: URLSearchParams,
): TransportDefinition | undefined {
  return enabled.find((d) => d.wire === wire && (d.matches ? d.matches(query) : true));
}

export type {
  ServerTransport,
  ServerTransportSink,
  HttpServerTransport,
  TransportInit,
  TransportDefinition,
  HttpTransportDefinition,
  WebSocketTransportDefinition,
} from "./server-transport.js";
export { PollingTransport, pollingDefinition } from "./polling.js";
export { JsonpTransport, jsonpDefinition, scriptString, unescapeNewlines } from "./jsonp.js";
export { WebSocketTransport, websocketDefinition, type WebSocketTransportOptions } from "./websocket.js";
export { XhrMultipartTransport, xhrMultipartDefinition } from "./xhr-multipart.js";
export { HtmlfileTransport, htmlfileDefinition } from "./htmlfile.js";
export { flashsocketDefinition } from "./flashsocket.js";
export { StreamingTransport, STREAM_CYCLE_BYTES, STREAM_HEADERS, type StreamFormat } from "./streaming.js";

/** What a session on `current` may upgrade to: enabled, ranked above, another wire name (wire names, best first). */
export function upgradesFor(enabled: readonly TransportDefinition[], current: TransportDefinition): TransportDefinition[] {
  return enabled
    .filter((d) => d.rank > current.rank && d.wire !== current.wire)
    .sort((a, b) => b.rank - a.rank);
}

// Everything a Flash socket client needs from the server besides the flashsocket transport itself: the policy
// file (dedicated port + inline on the HTTP port), bridge.swf at `<path>flash/bridge.swf`, and the socket proxy
// for Ruffle at `<path>flash/proxy`. Attached by EngineServer when flashsocket is served. @see PROTOCOL.md §6
import type { Server as HttpServer } from "node:http";
import type { AddressInfo, Server as TcpServer } from "node:net";
import type { CorsOptions } from "./engine/cors.js";
import { interceptRequests } from "./http/intercept.js";
import type { Logger } from "./logger.js";
import { DEFAULT_FLASH_POLICY_PORT, listenPolicyPort, policyDocument, policyDomains, servePolicyInline } from "./flash-policy.js";
import { attachFlashProxy, ownTarget } from "./flash-proxy.js";
import { swfHandler } from "./flash-swf.js";

export interface FlashOptions {
  /** Engine.IO path, with its trailing slash. */
  path: string;
  cors: CorsOptions | undefined;
  /** Dedicated policy port; `false`: none (the HTTP port still answers). Default 10843. */
  flashPolicyPort?: number | false;
  logger: Logger;
}

export const FLASH_PROXY = "flash/proxy";

export interface FlashAttachment {
  /** Where the dedicated policy port listens (null: disabled, not yet listening, or it failed). */
  policyAddress(): AddressInfo | null;
  close(): void;
}

export function attachFlash(http: HttpServer, options: FlashOptions): FlashAttachment {
  const { logger } = options;
  const { domains, unexpressible } = policyDomains(options.cors);
  if (unexpressible) logger.warn("flash policy: a RegExp or function in cors.origin cannot be written as a Flash policy; it grants nothing");
  const policy = (servedFrom: number) => () => {
    const port = ownTarget(http)?.port;
    return policyDocument({ domains, ports: port ? [port] : [] }, servedFrom);
  };
  const undo: Array<() => void> = [];
  undo.push(servePolicyInline(http, () => policy(ownTarget(http)?.port ?? 0)(), logger));
  undo.push(interceptRequests(http, swfHandler(options.path, logger)));
  undo.push(attachFlashProxy(http, options.path + FLASH_PROXY, logger));
  const port = options.flashPolicyPort ?? DEFAULT_FLASH_POLICY_PORT;
  let server: TcpServer | undefined;
  if (port !== false) {
    // Same interface as the HTTP server (a wildcard stays a wildcard), once it listens.
    const start = (): void => {
      const address = http.address();
      const host = address && typeof address !== "string" ? address.address : undefined;
      const listener = listenPolicyPort(port, host, () => policy((server?.address() as AddressInfo | null)?.port ?? port)(), logger);
      server = listener.server;
      undo.push(() => listener.close());
    };
    if (http.listening) start();
    else {
      http.once("listening", start);
      undo.push(() => http.removeListener("listening", start));
    }
  }
  return {
    policyAddress: () => (server?.listening ? (server.address() as AddressInfo) : null),
    close: () => {
      for (const u of undo.splice(0).reverse()) u();
    },
  };
}

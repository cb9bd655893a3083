// Types for entries.mjs (imported by the TypeScript tests).
export interface TransportPackage {
  pkg: string;
  dir: string;
  factory: string;
  wire: string;
}
export interface ClientPackage {
  pkg: string;
  dir: string;
}
export interface Peer {
  id: string;
  pkg: string;
  source: string;
}
export declare const TRANSPORTS: TransportPackage[];
export declare const CLIENT_PACKAGES: ClientPackage[];
export declare function clientEntry(transports: TransportPackage[]): string;
export declare const OMNIO_ENTRY: string;
export declare const PEERS: Peer[];

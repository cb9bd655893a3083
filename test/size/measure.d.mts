// Types for measure.mjs.
import type { TransportPackage } from "./entries.mjs";
import type { SizeRow } from "./index.mjs";
export declare const UMD_FILE: string;
export declare function availableTransports(): { present: TransportPackage[]; missing: Array<TransportPackage & { reason: string }> };
export declare function gzipOf(row: SizeRow): number;
export declare function measureAll(options?: { budgetedOnly?: boolean }): Promise<{ rows: SizeRow[]; notes: string[] }>;

// Types for index.mjs (`run()` for the combined bench and the budget test).
import type { Sizes } from "./bundle.mjs";
export interface SizeRow {
  id: string;
  group: "omnio" | "umd" | "peer";
  label: string;
  esbuild: Sizes;
  rollup?: Sizes;
  /** gzip bytes over @omnio/client + @omnio/websocket */
  delta?: number;
}
export interface BudgetResult {
  id: string;
  label: string;
  budget: number;
  actual: number;
  over: number;
}
export declare function run(): Promise<{ rows: SizeRow[]; budgets: BudgetResult[]; notes: string[] }>;

// Types for budget-check.mjs.
import type { ModuleBytes } from "./bundle.mjs";
import type { BudgetResult, SizeRow } from "./index.mjs";
export declare function loadBudgets(): Record<string, number>;
export declare function loadCeilings(): Record<string, number>;
export declare function checkBudgets(rows: SizeRow[], budgets?: Record<string, number>): BudgetResult[];
export declare function heaviestModules(id: string, count?: number): Promise<ModuleBytes[]>;

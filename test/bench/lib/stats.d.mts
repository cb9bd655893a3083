// Types for stats.mjs (the benchmark is plain ESM; the unit test is TypeScript).
export declare function quantile(xs: readonly number[], q: number): number;
export declare const median: (xs: readonly number[]) => number;
export declare function fixed(n: number, digits?: number): string;
export declare function kilo(n: number): string;
export declare const ratio: (a: number, b: number) => string;
export declare const goal: (ok: boolean | null | undefined) => string;
export declare function once(emitter: object, event: string, ms: number, what?: string): Promise<unknown[]>;
export declare function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T>;
export declare const turn: () => Promise<void>;

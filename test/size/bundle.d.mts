// Types for bundle.mjs (imported by the TypeScript tests).
export interface ModuleBytes {
  path: string;
  bytes: number;
}
export interface Sizes {
  min: number;
  gzip: number;
  brotli: number;
}
export declare const REPO_ROOT: string;
export declare function bundleEsbuild(source: string, options?: { sources?: boolean }): Promise<{ code: string; modules: ModuleBytes[] }>;
export declare function bundleRollup(source: string): Promise<{ code: string }>;
export declare function sizes(code: string): Sizes;

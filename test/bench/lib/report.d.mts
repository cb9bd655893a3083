// Types for report.mjs (only what the unit test uses).
export declare function replaceSection(text: string, body: string): string;

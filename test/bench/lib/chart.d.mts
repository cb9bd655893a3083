// Types for chart.mjs.
export interface Bar { label: string; client: string; value: number }
export interface Panel { title: string; unit: string; scale?: number; digits?: number; bars: Bar[] }
export declare function panelsFrom(sections: Record<string, { rows?: Array<Record<string, unknown>> } | undefined>): Panel[];
export declare function renderChart(panels: Panel[], subtitle: string): string;

// Unit tests of the benchmark's pure helpers: percentiles, README section replacement, the SVG chart.
import { describe, expect, it } from "vitest";
import { fixed, kilo, median, quantile } from "./lib/stats.mjs";
import { replaceSection } from "./lib/report.mjs";
import { panelsFrom, renderChart } from "./lib/chart.mjs";

describe("stats", () => {
  it("takes nearest-rank quantiles without reordering the input", () => {
    const xs = [5, 1, 4, 2, 3];
    expect(median(xs)).toBe(3);
    expect(quantile(xs, 0.99)).toBe(5);
    expect(quantile(xs, 0)).toBe(1);
    expect(xs).toEqual([5, 1, 4, 2, 3]);
    expect(Number.isNaN(median([]))).toBe(true);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(hundred, 0.99)).toBe(99);
  });
  it("formats missing numbers as a dash", () => {
    expect(fixed(NaN)).toBe("–");
    expect(kilo(123456)).toBe("123.5k");
    expect(kilo(2_340_000)).toBe("2.34M");
  });
});

describe("README section", () => {
  it("replaces only the text between the markers", () => {
    const text = "# x\n\n## Benchmarks\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\n## After\nkeep\n";
    const next = replaceSection(text, "new table");
    expect(next).toBe("# x\n\n## Benchmarks\n\n<!-- bench:start -->\nnew table\n<!-- bench:end -->\n\n## After\nkeep\n");
    expect(replaceSection(next, "again")).toContain("<!-- bench:start -->\nagain\n<!-- bench:end -->\n\n## After");
  });
  it("appends a Benchmarks section when the markers are missing", () => {
    expect(replaceSection("# x\n", "t")).toBe("# x\n\n## Benchmarks\n\n<!-- bench:start -->\nt\n<!-- bench:end -->\n");
  });
});

describe("chart", () => {
  it("draws one bar per measured row, scaled to the panel's largest, with text escaped", () => {
    const rows = [
      { server: "socket.io@4.8", transport: "websocket", client: "omnio", eventsPerSec: 100_000, cpuUsPerEvent: 2, ackP50Ms: 0.1 },
      { server: "socket.io@4.8", transport: "websocket", client: "socket.io-client", eventsPerSec: 50_000, cpuUsPerEvent: 4, ackP50Ms: NaN },
      { server: "socket.io@4.8", transport: "polling", client: "omnio", error: "broken" },
    ];
    const panels = panelsFrom({ node: { rows } });
    expect(panels.map((p) => p.bars.length)).toEqual([2, 2, 1]);
    const svg = renderChart(panels, "a < b & c");
    expect(svg).toContain("a &lt; b &amp; c");
    const widths = [...svg.matchAll(/<rect x="250" y="\d+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths[0]).toBeCloseTo(2 * widths[1]!, 0);
    expect(svg.startsWith("<svg")).toBe(true);
  });
});

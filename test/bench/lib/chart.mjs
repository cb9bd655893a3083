// docs/bench.svg: a hand-written SVG of the headline numbers, horizontal bars in panels, one colour per client.
// No dependency; text is escaped; values that were not measured are left out of their panel.

const COLORS = { omnio: "#2f6fdf", "socket.io-client": "#e08a1e", "raw ws": "#7a7a7a" };
const W = 760;
const LABEL_W = 250;
const BAR_H = 16;
const GAP = 5;

const esc = (s) => String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** Panels from the results: `{ title, unit, bars: [{ label, client, value }] }`. */
export function panelsFrom(sections) {
  const panels = [];
  const node = sections.node?.rows?.filter((r) => !r.error) ?? [];
  const stock = node.filter((r) => r.server === "socket.io@4.8");
  const nodeLabel = (r) => `${r.transport} · ${r.client}`;
  if (stock.length) {
    panels.push({ title: "Node → socket.io@4.8: events/s (higher is better)", unit: "k/s", scale: 1e-3, bars: stock.map((r) => ({ label: nodeLabel(r), client: r.client, value: r.eventsPerSec })) });
    panels.push({ title: "Node: client CPU per event (lower is better)", unit: "µs", bars: stock.map((r) => ({ label: nodeLabel(r), client: r.client, value: r.cpuUsPerEvent })) });
    panels.push({ title: "Node: ack round trip p50 (lower is better)", unit: "ms", digits: 3, bars: stock.map((r) => ({ label: nodeLabel(r), client: r.client, value: r.ackP50Ms })) });
  }
  const chrome = sections.chromium?.rows?.filter((r) => !r.error && !r.skipped) ?? [];
  if (chrome.length) {
    const label = (r) => `${r.server === "socket.io@4.8" ? "sio@4.8" : "omnio srv"} · ${r.transport} · ${r.client}`;
    panels.push({ title: "Chromium: server → page p50 at 50 events/s (lower is better)", unit: "ms", bars: chrome.map((r) => ({ label: label(r), client: r.client, value: r.steadyP50Ms })) });
    panels.push({ title: "Chromium: burst of 1,000, first emit → last arrival (lower is better)", unit: "ms", digits: 1, bars: chrome.map((r) => ({ label: label(r), client: r.client, value: r.burstMs })) });
  }
  const flash = sections.flash?.rows?.filter((r) => !r.status) ?? [];
  if (flash.length) {
    const bars = [];
    for (const r of flash) {
      bars.push({ label: `${r.transport} · first socket`, client: "omnio", value: r.firstEventInclMs });
      bars.push({ label: `${r.transport} · second socket`, client: "omnio", value: r.firstEventExclMs });
    }
    panels.push({ title: "Chromium: io() → first event, Flash bridge under Ruffle vs WebSocket (lower is better)", unit: "ms", digits: 0, bars });
  }
  for (const p of panels) p.bars = p.bars.filter((b) => Number.isFinite(b.value));
  return panels.filter((p) => p.bars.length);
}

export function renderChart(panels, subtitle) {
  const parts = [];
  let y = 60;
  for (const p of panels) {
    const scale = p.scale ?? 1;
    const max = Math.max(...p.bars.map((b) => b.value * scale));
    parts.push(`<text x="10" y="${y}" class="h">${esc(p.title)}</text>`);
    y += 10;
    for (const b of p.bars) {
      const v = b.value * scale;
      const w = Math.max(1, ((W - LABEL_W - 90) * v) / max);
      parts.push(
        `<text x="${LABEL_W - 6}" y="${y + 12}" class="l">${esc(b.label)}</text>`,
        `<rect x="${LABEL_W}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" fill="${COLORS[b.client] ?? "#999"}"/>`,
        `<text x="${(LABEL_W + w + 5).toFixed(1)}" y="${y + 12}" class="v">${v.toFixed(p.digits ?? (v >= 100 ? 0 : v >= 10 ? 1 : 2))} ${esc(p.unit)}</text>`,
      );
      y += BAR_H + GAP;
    }
    y += 22;
  }
  const legend = Object.entries(COLORS)
    .map(([name, c], i) => `<rect x="${10 + i * 150}" y="${y - 10}" width="12" height="12" fill="${c}"/><text x="${28 + i * 150}" y="${y}" class="v">${esc(name)}</text>`)
    .join("");
  const h = y + 14;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${h}" viewBox="0 0 ${W} ${h}" font-family="system-ui, sans-serif">
<style>.t{font-size:15px;font-weight:600}.s{font-size:11px;fill:#555}.h{font-size:13px;font-weight:600}.l{font-size:11px;text-anchor:end}.v{font-size:11px}</style>
<rect width="100%" height="100%" fill="#fff"/>
<text x="10" y="18" class="t">omnio benchmarks</text>
<text x="10" y="32" class="s">${esc(subtitle)}</text>
${parts.join("\n")}
${legend}
</svg>
`;
}

// A hand-written SVG chart of throughput and latency per system: two panels of horizontal
// bars, readable on GitHub without JavaScript or fonts beyond the browser's sans-serif.

/** One system's throughput, with the range over repeated rounds. */
export interface ThroughputBar {
  label: string;
  updatesPerSecond: number;
  min?: number;
  max?: number;
}

/** One system's latency percentiles. */
export interface LatencyBars {
  label: string;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

/** What the chart shows. */
export interface SystemsChart {
  title: string;
  /** Machine, command and date: a figure without its context is not a result. */
  subtitle: string;
  throughputTitle: string;
  throughput: readonly ThroughputBar[];
  latencyTitle: string;
  latency: readonly LatencyBars[];
  /** A target line on the latency panel, e.g. 20 ms. */
  latencyTargetMs?: number;
}

const WIDTH = 900;
const LABEL_WIDTH = 230;
const BAR_HEIGHT = 18;
const GAP = 10;
const COLOURS = { throughput: '#3f88c5', range: '#1d3557', p50: '#44af69', p95: '#f8c630', p99: '#e4572e', target: '#6d597a', text: '#222', grid: '#ddd' };

/** Escapes text for SVG content and attributes. */
export function escapeXml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&apos;');
}

/** A "nice" axis maximum: 1, 2, 2.5 or 5 times a power of ten, at least `value`. */
export function niceMax(value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= value) return step * power;
  }
  return 10 * power;
}

const formatValue = (value: number) => (value === 0 ? '0' : value >= 100 ? Math.round(value).toLocaleString('en-US') : value >= 10 ? value.toFixed(1) : value.toFixed(2));

function axis(x0: number, width: number, y: number, max: number, unit: string): string[] {
  const parts: string[] = [];
  for (let tick = 0; tick <= 4; tick += 1) {
    const x = x0 + (width * tick) / 4;
    parts.push(`<line x1="${x}" y1="${y}" x2="${x}" y2="${y + 4}" stroke="${COLOURS.text}"/>`);
    parts.push(`<text x="${x}" y="${y + 16}" font-size="11" text-anchor="middle" fill="${COLOURS.text}">${escapeXml(formatValue((max * tick) / 4))}${tick === 4 ? ` ${escapeXml(unit)}` : ''}</text>`);
  }
  parts.push(`<line x1="${x0}" y1="${y}" x2="${x0 + width}" y2="${y}" stroke="${COLOURS.text}"/>`);
  return parts;
}

/** Renders the chart as a standalone SVG document. */
export function renderSystemsChart(chart: SystemsChart): string {
  const plotX = LABEL_WIDTH;
  const plotWidth = WIDTH - LABEL_WIDTH - 80;
  const parts: string[] = [];
  let y = 28;
  parts.push(`<text x="16" y="${y}" font-size="17" font-weight="bold" fill="${COLOURS.text}">${escapeXml(chart.title)}</text>`);
  y += 20;
  parts.push(`<text x="16" y="${y}" font-size="11" fill="#555">${escapeXml(chart.subtitle)}</text>`);

  // Throughput panel.
  y += 32;
  parts.push(`<text x="16" y="${y}" font-size="14" font-weight="bold" fill="${COLOURS.text}">${escapeXml(chart.throughputTitle)}</text>`);
  y += 12;
  const throughputMax = niceMax(Math.max(...chart.throughput.map((bar) => Math.max(bar.updatesPerSecond, bar.max ?? 0)), 1));
  const scaleT = (value: number) => (plotWidth * Math.max(0, value)) / throughputMax;
  for (const bar of chart.throughput) {
    const mid = y + BAR_HEIGHT / 2;
    parts.push(`<text x="${plotX - 8}" y="${mid + 4}" font-size="12" text-anchor="end" fill="${COLOURS.text}">${escapeXml(bar.label)}</text>`);
    parts.push(`<rect x="${plotX}" y="${y}" width="${scaleT(bar.updatesPerSecond).toFixed(1)}" height="${BAR_HEIGHT}" fill="${COLOURS.throughput}"/>`);
    if (bar.min !== undefined && bar.max !== undefined && bar.max > bar.min) {
      const x1 = plotX + scaleT(bar.min);
      const x2 = plotX + scaleT(bar.max);
      parts.push(`<line x1="${x1.toFixed(1)}" y1="${mid}" x2="${x2.toFixed(1)}" y2="${mid}" stroke="${COLOURS.range}" stroke-width="2"/>`);
      parts.push(`<line x1="${x1.toFixed(1)}" y1="${mid - 5}" x2="${x1.toFixed(1)}" y2="${mid + 5}" stroke="${COLOURS.range}" stroke-width="2"/>`);
      parts.push(`<line x1="${x2.toFixed(1)}" y1="${mid - 5}" x2="${x2.toFixed(1)}" y2="${mid + 5}" stroke="${COLOURS.range}" stroke-width="2"/>`);
    }
    const labelX = plotX + Math.max(scaleT(bar.updatesPerSecond), bar.max !== undefined ? scaleT(bar.max) : 0) + 6;
    parts.push(`<text x="${labelX.toFixed(1)}" y="${mid + 4}" font-size="12" fill="${COLOURS.text}">${escapeXml(formatValue(bar.updatesPerSecond))}</text>`);
    y += BAR_HEIGHT + GAP;
  }
  parts.push(...axis(plotX, plotWidth, y, throughputMax, 'updates/s'));
  y += 30;

  // Latency panel: three bars per system.
  y += 18;
  parts.push(`<text x="16" y="${y}" font-size="14" font-weight="bold" fill="${COLOURS.text}">${escapeXml(chart.latencyTitle)}</text>`);
  const legend = [
    ['p50', COLOURS.p50],
    ['p95', COLOURS.p95],
    ['p99', COLOURS.p99],
  ] as const;
  legend.forEach(([name, colour], index) => {
    const x = WIDTH - 230 + index * 70;
    parts.push(`<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${colour}"/>`);
    parts.push(`<text x="${x + 16}" y="${y}" font-size="12" fill="${COLOURS.text}">${name}</text>`);
  });
  y += 12;
  const latencyMax = niceMax(Math.max(...chart.latency.map((bars) => bars.p99Ms), chart.latencyTargetMs ?? 0, 1));
  const scaleL = (value: number) => (plotWidth * Math.max(0, Math.min(value, latencyMax))) / latencyMax;
  const top = y;
  const small = BAR_HEIGHT / 2 + 1;
  for (const bars of chart.latency) {
    parts.push(`<text x="${plotX - 8}" y="${y + small * 1.5 + 4}" font-size="12" text-anchor="end" fill="${COLOURS.text}">${escapeXml(bars.label)}</text>`);
    for (const [name, colour] of legend) {
      const value = bars[`${name}Ms`];
      parts.push(`<rect x="${plotX}" y="${y}" width="${scaleL(value).toFixed(1)}" height="${small - 1}" fill="${colour}"/>`);
      parts.push(`<text x="${(plotX + scaleL(value) + 6).toFixed(1)}" y="${y + small - 2}" font-size="10" fill="${COLOURS.text}">${escapeXml(formatValue(value))} ms</text>`);
      y += small;
    }
    y += GAP;
  }
  if (chart.latencyTargetMs !== undefined) {
    const x = plotX + scaleL(chart.latencyTargetMs);
    parts.push(`<line x1="${x.toFixed(1)}" y1="${top - 4}" x2="${x.toFixed(1)}" y2="${y}" stroke="${COLOURS.target}" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${(x + 4).toFixed(1)}" y="${top - 6}" font-size="10" fill="${COLOURS.target}">target ${escapeXml(formatValue(chart.latencyTargetMs))} ms</text>`);
  }
  parts.push(...axis(plotX, plotWidth, y, latencyMax, 'ms'));
  y += 36;

  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="sans-serif">`,
    `<rect width="${WIDTH}" height="${y}" fill="#fff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

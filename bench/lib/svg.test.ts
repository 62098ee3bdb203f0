import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeXml, niceMax, renderSystemsChart } from './svg.ts';

const chart = {
  title: 'Lavka <vs> "bare" bots & co',
  subtitle: 'AMD EPYC, 2 cores',
  throughputTitle: 'Throughput',
  throughput: [
    { label: 'Lavka', updatesPerSecond: 500, min: 450, max: 520 },
    { label: 'grammY', updatesPerSecond: 1000 },
  ],
  latencyTitle: 'Latency',
  latency: [
    { label: 'Lavka', p50Ms: 2, p95Ms: 8, p99Ms: 15 },
    { label: 'grammY', p50Ms: 1, p95Ms: 3, p99Ms: 5 },
  ],
  latencyTargetMs: 20,
};

describe('the SVG chart writer', () => {
  test('it writes a standalone SVG document with a bar and a label per system', () => {
    const svg = renderSystemsChart(chart);
    assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
    assert.ok(svg.trimEnd().endsWith('</svg>'));
    assert.equal((svg.match(/>Lavka</g) ?? []).length, 2);
    assert.equal((svg.match(/>grammY</g) ?? []).length, 2);
    // Two throughput bars, three latency bars per system, four legend swatches including the background.
    assert.equal((svg.match(/<rect /g) ?? []).length, 1 + 2 + 6 + 3);
    assert.ok(svg.includes('target 20.0 ms'));
  });

  test('text is escaped, so a label can never break the document', () => {
    const svg = renderSystemsChart(chart);
    assert.ok(svg.includes('Lavka &lt;vs&gt; &quot;bare&quot; bots &amp; co'));
    assert.ok(!svg.includes('<vs>'));
    assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&apos;');
  });

  test('bars are proportional: the faster system gets the longer bar', () => {
    const svg = renderSystemsChart(chart);
    const widths = [...svg.matchAll(/<rect x="\d+" y="\d+(?:\.\d+)?" width="([\d.]+)" height="18" fill="#3f88c5"\/>/g)].map((match) => Number(match[1]));
    assert.equal(widths.length, 2);
    assert.ok(Math.abs((widths[1] as number) / (widths[0] as number) - 2) < 0.01);
  });

  test('axis maxima are rounded up to 1, 2, 2.5 or 5 times a power of ten', () => {
    assert.equal(niceMax(0.7), 1);
    assert.equal(niceMax(13), 20);
    assert.equal(niceMax(230), 250);
    assert.equal(niceMax(4100), 5000);
    assert.equal(niceMax(0), 1);
    assert.equal(niceMax(Number.NaN), 1);
  });
});

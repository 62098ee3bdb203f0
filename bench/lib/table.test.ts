import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { summarizeSpread } from './stats.ts';
import { formatMarkdownTable, formatNumber, formatSpread, formatTable, type Column } from './table.ts';

interface Row {
  name: string;
  rate: number;
}
const columns: Column<Row>[] = [
  { header: 'system', value: (row) => row.name },
  { header: 'updates/s', numeric: true, value: (row) => formatNumber(row.rate) },
];

describe('table printing', () => {
  test('columns are padded to their widest cell and numbers are right-aligned', () => {
    const text = formatTable(columns, [
      { name: 'Lavka (SQLite)', rate: 512.4 },
      { name: 'grammY', rate: 1234 },
    ]);
    assert.deepEqual(text.split('\n'), ['system          updates/s', '--------------  ---------', 'Lavka (SQLite)        512', 'grammY              1,234']);
  });

  test('a Markdown table escapes pipes and marks numeric columns right-aligned', () => {
    const text = formatMarkdownTable(columns, [{ name: 'a|b', rate: 3 }]);
    assert.deepEqual(text.split('\n'), ['| system | updates/s |', '| --- | ---: |', '| a\\|b | 3 |']);
  });

  test('numbers that are not finite print as a dash', () => {
    assert.equal(formatNumber(Number.NaN), '—');
    assert.equal(formatNumber(1.005, 2), '1.01');
  });

  test('a repeated figure prints as median (min–max), a single run says so, none is a dash', () => {
    assert.equal(formatSpread(summarizeSpread([900, 1200, 1000])), '1,000 (900–1,200)');
    assert.equal(formatSpread(summarizeSpread([812.4])), '812 (1 run)');
    assert.equal(formatSpread(summarizeSpread([])), '—');
    assert.equal(formatSpread(summarizeSpread([1.25, 2.5]), (value) => formatNumber(value, 1)), '1.9 (1.3–2.5)');
  });
});

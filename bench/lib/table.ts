import type { SpreadSummary } from './stats.ts';

/** A column of a printed table. */
export interface Column<Row> {
  header: string;
  /** Right-aligns the column (numbers). */
  numeric?: boolean;
  value(row: Row): string | number;
}

/** Formats a number for a table cell: thousands grouped, `decimals` after the point. */
export function formatNumber(value: number, decimals = 0): string {
  if (!Number.isFinite(value)) return '—';
  return value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
}

/**
 * A figure measured in repeated rounds as "median (min–max)", or "median (1 run)" when it was
 * measured once, so that no table shows a single run as if it were a settled median.
 */
export function formatSpread(spread: Pick<SpreadSummary, 'runs' | 'median' | 'min' | 'max'>, format: (value: number) => string = (value) => formatNumber(value)): string {
  if (spread.runs === 0 || !Number.isFinite(spread.median)) return '—';
  if (spread.runs === 1) return `${format(spread.median)} (1 run)`;
  return `${format(spread.median)} (${format(spread.min)}–${format(spread.max)})`;
}

/** Renders rows as a plain-text table with a header rule, for the terminal. */
export function formatTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const cells = rows.map((row) => columns.map((column) => String(column.value(row))));
  const widths = columns.map((column, index) => Math.max(column.header.length, ...cells.map((line) => (line[index] ?? '').length)));
  const pad = (text: string, index: number) => {
    const width = widths[index] ?? 0;
    return columns[index]?.numeric ? text.padStart(width) : text.padEnd(width);
  };
  const header = columns.map((column, index) => pad(column.header, index)).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const body = cells.map((line) => line.map((text, index) => pad(text, index)).join('  ').trimEnd());
  return [header.trimEnd(), rule, ...body].join('\n');
}

/** Renders rows as a Markdown table, for the README. */
export function formatMarkdownTable<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const escape = (text: string) => text.replaceAll('|', '\\|');
  const header = `| ${columns.map((column) => escape(column.header)).join(' | ')} |`;
  const rule = `| ${columns.map((column) => (column.numeric ? '---:' : '---')).join(' | ')} |`;
  const body = rows.map((row) => `| ${columns.map((column) => escape(String(column.value(row)))).join(' | ')} |`);
  return [header, rule, ...body].join('\n');
}

/** Writes lines to stdout: benchmarks report on the terminal (the lint rule keeps console for errors). */
export function print(...lines: string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** One CSV field value. */
export type CsvCell = string | number | null | undefined;

/** UTF-8 byte order mark: Excel needs it to read UTF-8 CSV as UTF-8 rather than a legacy code page. */
const BOM = '\ufeff';

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start).
 * Customers type names and comments, so such text is prefixed with `'` to stay text.
 * Plain numbers such as phone numbers (`+77011234567`) are left alone.
 */
function neutraliseFormula(text: string): string {
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d\s]*(?:[.,]\d+)?$/.test(text)) return `'${text}`;
  return text;
}

/** One field per RFC 4180: quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) return '';
  const text = typeof cell === 'number' ? String(cell) : neutraliseFormula(cell);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Builds an RFC 4180 CSV (CRLF line ends) in UTF-8 with a BOM. */
export function buildCsv(rows: readonly (readonly CsvCell[])[]): Buffer {
  return Buffer.from(BOM + rows.map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n', 'utf8');
}

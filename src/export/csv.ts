import { stringify } from 'csv-stringify/sync';

/** One CSV field value. */
export type CsvCell = string | number | null | undefined;

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR at the start).
 * Customers type names and comments, so such text is prefixed with `'` to stay text.
 * Plain numbers such as phone numbers (`+77011234567`) are left alone, which is why this is
 * Lavka's own rule rather than csv-stringify's `escape_formulas` (that one quotes them too).
 */
function neutraliseFormula(text: string): string {
  if (/^[=+\-@\t\r]/.test(text) && !/^[+-]?\d[\d\s]*(?:[.,]\d+)?$/.test(text)) return `'${text}`;
  return text;
}

/**
 * Builds an RFC 4180 CSV (comma-separated, CRLF line ends) in UTF-8 with a BOM: Excel needs
 * the BOM to read UTF-8 rather than a legacy code page. Fields with a comma, quote, CR or LF
 * are quoted (a bare LF too, so a comment's line break never splits a row); numbers are
 * written as they are; text that would run as a formula is defused.
 */
export function buildCsv(rows: readonly (readonly CsvCell[])[]): Buffer {
  const text = stringify(
    rows.map((row) => [...row]),
    { bom: true, record_delimiter: 'windows', quoted_match: /[\r\n]/, cast: { string: neutraliseFormula } },
  );
  return Buffer.from(text, 'utf8');
}

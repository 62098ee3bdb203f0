import type { Cell, Sheet } from 'write-excel-file/node';

/** A date cell: epoch ms shown as a date and time (already shifted to the reader's wall clock). */
export interface DateCell {
  wallClockMs: number;
}

/** One spreadsheet cell: text, a number, a date, or empty. */
export type XlsxCell = string | number | DateCell | null | undefined;

/** One worksheet. */
export interface XlsxSheet {
  /** Up to 31 characters; `[]:*?/\` are replaced. */
  name: string;
  rows: readonly (readonly XlsxCell[])[];
  /** Column widths in characters. */
  columnWidths?: readonly number[];
  /** Keep the first row visible and bold (a header). */
  header?: boolean;
}

/** Dates as Lavka writes them in every language: day before month, 24-hour clock. */
const DATE_TIME_FORMAT = 'dd.mm.yyyy hh:mm';

/** Sheet names Excel accepts: no `[]:*?/\`, at most 31 characters, never empty. */
function sheetName(name: string, index: number): string {
  const cleaned = name.replace(/[[\]:*?/\\]/g, ' ').trim().slice(0, 31);
  return cleaned || `Sheet${index + 1}`;
}

function toCell(cell: XlsxCell, bold: boolean): Cell {
  if (cell === null || cell === undefined) return null;
  if (typeof cell === 'number') {
    if (!Number.isFinite(cell)) return null;
    return bold ? { value: cell, fontWeight: 'bold' } : cell;
  }
  // The wall clock is already the reader's: the date is written as that time in UTC, so the
  // serial number Excel stores is the wall-clock time itself.
  if (typeof cell === 'object') return { value: new Date(cell.wallClockMs), type: Date, format: DATE_TIME_FORMAT };
  return bold ? { value: cell, fontWeight: 'bold' } : cell;
}

function toSheet(sheet: XlsxSheet, index: number): Sheet<never> {
  return {
    sheet: sheetName(sheet.name, index),
    data: sheet.rows.map((row, rowIndex) => row.map((cell) => toCell(cell, Boolean(sheet.header) && rowIndex === 0))),
    ...(sheet.columnWidths && sheet.columnWidths.length > 0 ? { columns: sheet.columnWidths.map((width) => ({ width })) } : {}),
    ...(sheet.header ? { stickyRowsCount: 1 } : {}),
  };
}

/**
 * Writes an XLSX workbook (written by write-excel-file): one worksheet per sheet, text as
 * text, numbers as numbers, dates as dates, a bold frozen header row where asked.
 */
export async function buildXlsx(sheets: readonly XlsxSheet[]): Promise<Uint8Array> {
  if (sheets.length === 0) throw new RangeError('xlsx.no_sheets');
  // Loaded on first export: most processes never write a workbook.
  const { default: writeExcelFile } = await import('write-excel-file/node');
  const buffer = await writeExcelFile(sheets.map(toSheet)).toBuffer();
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
}

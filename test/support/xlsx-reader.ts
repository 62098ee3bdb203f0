// Reads back what Lavka's writers produce, with readers that are not the writers: SheetJS
// for XLSX and csv-parse for CSV. Tests assert the cells a spreadsheet program would show.

import { read, utils, type CellObject } from '@e965/xlsx';
import { parse } from 'csv-parse/sync';

/** A cell as read back: text, a number (dates are Excel serial numbers), or null for an empty cell. */
export type ReadCell = string | number | null;

/** A workbook as read back for assertions. */
export interface ReadWorkbook {
  sheetNames: string[];
  /** Rows of each sheet by name; cells placed by their column letters, trailing empty cells left out. */
  sheets: Record<string, ReadCell[][]>;
  /** The number format of each formatted cell of each sheet, by address (`C2`): how dates are shown. */
  formats: Record<string, Record<string, string>>;
  /** The column widths each sheet sets, in characters (undefined for a column left at the default). */
  columnWidths: Record<string, (number | undefined)[]>;
}

function cellValue(cell: CellObject | undefined): ReadCell {
  if (!cell || cell.v === undefined || cell.t === 'z') return null;
  if (cell.t === 'n') return cell.v as number;
  return String(cell.v);
}

/** Reads an XLSX the way a spreadsheet program does (SheetJS), with dates left as serial numbers. */
export function readXlsx(bytes: Uint8Array): ReadWorkbook {
  const book = read(bytes, { type: 'buffer', cellDates: false, cellNF: true, cellStyles: true });
  const sheets: Record<string, ReadCell[][]> = {};
  const formats: Record<string, Record<string, string>> = {};
  const columnWidths: Record<string, (number | undefined)[]> = {};
  for (const name of book.SheetNames) {
    const sheet = book.Sheets[name];
    const rows: ReadCell[][] = [];
    const sheetFormats: Record<string, string> = {};
    if (sheet?.['!ref']) {
      const range = utils.decode_range(sheet['!ref']);
      for (let r = 0; r <= range.e.r; r += 1) {
        const cells: ReadCell[] = [];
        for (let c = 0; c <= range.e.c; c += 1) {
          const address = utils.encode_cell({ r, c });
          const cell = sheet[address] as CellObject | undefined;
          cells.push(cellValue(cell));
          if (cell?.z !== undefined && cell.z !== 'General') sheetFormats[address] = String(cell.z);
        }
        while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
        rows.push(cells);
      }
    }
    sheets[name] = rows;
    formats[name] = sheetFormats;
    columnWidths[name] = (sheet?.['!cols'] ?? []).map((column) => column?.width);
  }
  return { sheetNames: book.SheetNames, sheets, formats, columnWidths };
}

/** Parses a CSV as Lavka writes it (RFC 4180, CRLF between rows, UTF-8 with a BOM) with csv-parse. */
export function readCsv(bytes: Uint8Array): string[][] {
  return parse(Buffer.from(bytes).toString('utf8'), { bom: true, record_delimiter: '\r\n', relax_column_count: true }) as string[][];
}

import { strFromU8, unzipSync } from 'fflate';

/** A cell as read back: text, a number, or null for an empty cell. */
export type ReadCell = string | number | null;

/** A workbook as read back for assertions. */
export interface ReadWorkbook {
  /** Every part in the package, by path. */
  parts: string[];
  sheetNames: string[];
  /** Rows of each sheet by name; cells placed by their column letters. */
  sheets: Record<string, ReadCell[][]>;
}

function decodeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

function columnIndex(ref: string): number {
  const letters = /^[A-Z]+/.exec(ref)?.[0] ?? 'A';
  let index = 0;
  for (const letter of letters) index = index * 26 + (letter.charCodeAt(0) - 64);
  return index - 1;
}

/**
 * Reads an XLSX the way a spreadsheet program would start to: unzips the package, follows
 * the workbook relationships to each sheet, and parses its cells (inline strings, shared
 * strings and numbers). Enough to check what a writer produced, not a general reader.
 */
export function readXlsx(bytes: Uint8Array): ReadWorkbook {
  const files = unzipSync(bytes);
  const text = (name: string) => {
    const file = files[name];
    if (!file) throw new Error(`the workbook has no ${name}`);
    return strFromU8(file);
  };
  text('[Content_Types].xml');
  text('_rels/.rels');
  const shared = files['xl/sharedStrings.xml']
    ? [...text('xl/sharedStrings.xml').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((match) =>
        decodeXml([...(match[1] ?? '').matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((part) => part[1] ?? '').join('')),
      )
    : [];
  const rels = new Map(
    [...text('xl/_rels/workbook.xml.rels').matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((match) => [match[1], match[2]]),
  );
  const sheetNames: string[] = [];
  const sheets: Record<string, ReadCell[][]> = {};
  for (const match of text('xl/workbook.xml').matchAll(/<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"/g)) {
    const name = decodeXml(match[1] ?? '');
    const target = rels.get(match[2] ?? '');
    if (!target) throw new Error(`sheet ${name} has no relationship`);
    const xml = text(`xl/${target.replace(/^\/?xl\//, '')}`);
    const rows: ReadCell[][] = [];
    for (const row of xml.matchAll(/<row [^>]*>([\s\S]*?)<\/row>/g)) {
      const cells: ReadCell[] = [];
      for (const cell of (row[1] ?? '').matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
        const index = columnIndex(cell[1] ?? 'A');
        const attributes = cell[2] ?? '';
        const body = cell[3] ?? '';
        const type = /t="([^"]+)"/.exec(attributes)?.[1];
        let value: ReadCell = null;
        if (type === 'inlineStr') value = decodeXml(/<t[^>]*>([\s\S]*?)<\/t>/.exec(body)?.[1] ?? '');
        else if (type === 's') value = shared[Number(/<v>([^<]*)<\/v>/.exec(body)?.[1])] ?? null;
        else if (/<v>/.test(body)) value = Number(/<v>([^<]*)<\/v>/.exec(body)?.[1]);
        while (cells.length < index) cells.push(null);
        cells[index] = value;
      }
      rows.push(cells);
    }
    sheetNames.push(name);
    sheets[name] = rows;
  }
  return { parts: Object.keys(files).sort(), sheetNames, sheets };
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF); strips a UTF-8 BOM. */
export function readCsv(bytes: Uint8Array): string[][] {
  let text = Buffer.from(bytes).toString('utf8');
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i] as string;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i += 1;
    } else field += char;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

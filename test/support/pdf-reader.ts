import { inflateSync } from 'node:zlib';

/** What {@link readPdf} finds in a PDF written by Lavka's writer. */
export interface ReadPdf {
  version: string;
  /** Object number → raw bytes between `obj` and `endobj`. */
  objects: Map<number, Buffer>;
  /** The text of each page, one string per `Tj`, decoded through the font's ToUnicode map. */
  pages: string[][];
  /** The embedded font file (FontFile2), inflated. */
  fontFile?: Buffer;
}

/**
 * A strict little reader for the PDFs Lavka writes: checks the header, that every xref
 * offset points at its object and `startxref` at the xref, then decodes the page text. It
 * is a test oracle, not a general PDF parser.
 */
export function readPdf(bytes: Uint8Array): ReadPdf {
  const buffer = Buffer.from(bytes);
  const text = buffer.toString('latin1');
  const version = /^%PDF-(\d\.\d)\n/.exec(text)?.[1];
  if (!version) throw new Error('no %PDF header');
  if (!text.endsWith('%%EOF\n')) throw new Error('no %%EOF at the end');
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n$/.exec(text)?.[1]);
  if (text.slice(startxref, startxref + 4) !== 'xref') throw new Error('startxref does not point at the xref table');
  const xref = /^xref\n0 (\d+)\n/.exec(text.slice(startxref));
  if (!xref) throw new Error('malformed xref');
  const count = Number(xref[1]);
  const entries = text.slice(startxref + xref[0].length).split('\n').slice(0, count);
  const objects = new Map<number, Buffer>();
  for (let number = 1; number < count; number += 1) {
    const offset = Number(entries[number]?.slice(0, 10));
    const header = `${number} 0 obj\n`;
    if (text.slice(offset, offset + header.length) !== header) throw new Error(`xref offset of object ${number} is wrong`);
    const end = text.indexOf('\nendobj\n', offset);
    objects.set(number, buffer.subarray(offset + header.length, end));
  }

  const streamOf = (number: number): Buffer => {
    const raw = objects.get(number);
    if (!raw) throw new Error(`no object ${number}`);
    const body = raw.toString('latin1');
    const length = Number(/\/Length (\d+)/.exec(body)?.[1]);
    const start = body.indexOf('stream\n') + 'stream\n'.length;
    const data = raw.subarray(start, start + length);
    return /\/FlateDecode/.test(body.slice(0, start)) ? inflateSync(data) : data;
  };
  const ref = (body: string, key: string) => Number(new RegExp(`/${key} (\\d+) 0 R`).exec(body)?.[1]);

  const catalog = [...objects.values()].map((raw) => raw.toString('latin1')).find((body) => body.includes('/Type /Catalog')) ?? '';
  const pagesBody = objects.get(ref(catalog, 'Pages'))?.toString('latin1') ?? '';
  const kids = [...(/\/Kids \[([^\]]*)\]/.exec(pagesBody)?.[1] ?? '').matchAll(/(\d+) 0 R/g)].map((match) => Number(match[1]));
  const pages: string[][] = [];
  let fontFile: Buffer | undefined;
  for (const kid of kids) {
    const page = objects.get(kid)?.toString('latin1') ?? '';
    const fontBody = objects.get(ref(page, 'F1'))?.toString('latin1') ?? '';
    const cmap = streamOf(ref(fontBody, 'ToUnicode')).toString('latin1');
    const unicode = new Map<string, string>();
    for (const match of cmap.matchAll(/<([0-9a-f]{4})> <([0-9a-f]+)>/gi)) {
      const hex = match[2] as string;
      let value = '';
      for (let i = 0; i < hex.length; i += 4) value += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
      unicode.set((match[1] as string).toLowerCase(), value);
    }
    const descendant = Number(/\/DescendantFonts \[(\d+) 0 R\]/.exec(fontBody)?.[1]);
    const descriptor = ref(objects.get(descendant)?.toString('latin1') ?? '', 'FontDescriptor');
    fontFile = streamOf(ref(objects.get(descriptor)?.toString('latin1') ?? '', 'FontFile2'));
    const content = streamOf(ref(page, 'Contents')).toString('latin1');
    pages.push(
      [...content.matchAll(/<([0-9a-f]*)> Tj/gi)].map((match) => {
        const hex = (match[1] as string).toLowerCase();
        let value = '';
        for (let i = 0; i < hex.length; i += 4) value += unicode.get(hex.slice(i, i + 4)) ?? '\ufffd';
        return value;
      }),
    );
  }
  return { version, objects, pages, fontFile };
}

// A tiny PDF 1.4 writer: pages of text and lines in one embedded TrueType font. Text is
// written as glyph ids (Type0 font, Identity-H) with a ToUnicode map, so Cyrillic and Kazakh
// show in every viewer and can be copied and searched. The font is subset per document to
// the characters used, which keeps a one-page confirmation around 20 KB.

import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { lavkaFont } from './font.ts';
import { subsetTrueType, type TrueTypeFont } from './truetype.ts';

/** A4 in PDF points (1/72 inch). */
export const A4 = { widthPt: 595.28, heightPt: 841.89 } as const;

/** A font for the writer: the `.ttf` bytes and their parsed form. */
export interface PdfFont {
  bytes: Uint8Array;
  font: TrueTypeFont;
}

/** Text placement: baseline origin in points from the bottom-left corner. */
export interface TextOptions {
  x: number;
  y: number;
  sizePt: number;
  /** Grey level 0 (black) … 1 (white). */
  grey?: number;
}

/** One page being drawn. */
export interface PdfPage {
  text(text: string, options: TextOptions): void;
  line(x1: number, y1: number, x2: number, y2: number, widthPt?: number): void;
}

/** A PDF being built. */
export interface PdfDocument {
  addPage(size?: { widthPt: number; heightPt: number }): PdfPage;
  /** Width of `text` at `sizePt` in points. */
  textWidth(text: string, sizePt: number): number;
  /** Splits text into lines no wider than `maxWidthPt`, breaking at spaces (or anywhere in a too-long word). */
  wrap(text: string, sizePt: number, maxWidthPt: number): string[];
  toBytes(): Uint8Array;
}

/** Options for {@link createPdf}. */
export interface PdfOptions {
  title?: string;
  /** Written as the creation date; fixed input gives byte-identical output. */
  createdAt?: Date;
  font?: PdfFont;
}

/** Characters the font cannot show are printed as this. */
const REPLACEMENT = 0x3f;

/** Starts a PDF document. */
export function createPdf(options: PdfOptions = {}): PdfDocument {
  const { font, bytes: fontBytes } = options.font ?? lavkaFont();
  const scale = 1000 / font.unitsPerEm;
  const pages: { widthPt: number; heightPt: number; ops: (string | { codePoints: number[] })[] }[] = [];
  const used = new Set<number>();

  const codePointsOf = (text: string) =>
    [...text.replace(/[\t\r\n]/g, ' ')].map((char) => {
      const code = char.codePointAt(0) as number;
      return font.glyphOf(code) === 0 ? REPLACEMENT : code;
    });

  const textWidth = (text: string, sizePt: number) =>
    (codePointsOf(text).reduce((sum, code) => sum + font.advanceOf(font.glyphOf(code)), 0) * sizePt) / font.unitsPerEm;

  return {
    addPage(size = A4) {
      const page = { ...size, ops: [] as (string | { codePoints: number[] })[] };
      pages.push(page);
      return {
        text(text, placement) {
          const codePoints = codePointsOf(text);
          for (const code of codePoints) used.add(code);
          page.ops.push(`BT ${num(placement.grey ?? 0)} g /F1 ${num(placement.sizePt)} Tf ${num(placement.x)} ${num(placement.y)} Td `);
          page.ops.push({ codePoints });
          page.ops.push(' Tj ET\n');
        },
        line(x1, y1, x2, y2, widthPt = 0.5) {
          page.ops.push(`${num(widthPt)} w ${num(x1)} ${num(y1)} m ${num(x2)} ${num(y2)} l S\n`);
        },
      };
    },

    textWidth,

    wrap(text, sizePt, maxWidthPt) {
      const lines: string[] = [];
      for (const paragraph of text.split('\n')) {
        let current = '';
        for (const word of paragraph.split(/ +/)) {
          const candidate = current ? `${current} ${word}` : word;
          if (textWidth(candidate, sizePt) <= maxWidthPt) {
            current = candidate;
            continue;
          }
          if (current) lines.push(current);
          current = word;
          // A word wider than the line is cut where it stops fitting.
          while (textWidth(current, sizePt) > maxWidthPt && current.length > 1) {
            let cut = current.length - 1;
            while (cut > 1 && textWidth(current.slice(0, cut), sizePt) > maxWidthPt) cut -= 1;
            lines.push(current.slice(0, cut));
            current = current.slice(cut);
          }
        }
        lines.push(current);
      }
      return lines;
    },

    toBytes() {
      if (pages.length === 0) throw new Error('a PDF needs at least one page');
      const subset = subsetTrueType(fontBytes, used);
      const gidOf = (code: number) => subset.glyphMap.get(font.glyphOf(code)) ?? 0;
      // Subset fonts are named with a six-letter tag derived from their glyphs (PDF 32000 §9.6.4).
      const tag = [...createHash('sha256').update(subset.bytes).digest().subarray(0, 6)].map((byte) => String.fromCharCode(65 + (byte % 26))).join('');
      const baseFont = `${tag}+${font.postScriptName.replace(/[^\x21-\x7e]|[()<>[\]{}/%#]/g, '')}`;

      const objects: (string | Uint8Array)[] = [];
      const add = (body: string | Uint8Array) => {
        objects.push(body);
        return objects.length;
      };
      const stream = (dictionary: string, data: Uint8Array) => {
        const compressed = deflateSync(data);
        return concatBytes([latin1(`<< ${dictionary} /Length ${compressed.length} /Filter /FlateDecode >>\nstream\n`), compressed, latin1('\nendstream')]);
      };

      const catalogId = add('');
      const pagesId = add('');
      const fontFileId = add(stream(`/Length1 ${subset.bytes.length}`, subset.bytes));
      const descriptorId = add(
        `<< /Type /FontDescriptor /FontName /${baseFont} /Flags 32 /FontBBox [${font.bbox.map((value) => Math.round(value * scale)).join(' ')}] ` +
          `/ItalicAngle ${num(font.italicAngle)} /Ascent ${Math.round(font.ascent * scale)} /Descent ${Math.round(font.descent * scale)} ` +
          `/CapHeight ${Math.round(font.capHeight * scale)} /StemV 80 /FontFile2 ${fontFileId} 0 R >>`,
      );
      const widths: number[] = [];
      const unicodeOf = new Map<number, number>();
      for (const code of used) unicodeOf.set(gidOf(code), code);
      for (const [oldGlyph, newGlyph] of subset.glyphMap) widths[newGlyph] = Math.round(font.advanceOf(oldGlyph) * scale);
      const cidFontId = add(
        `<< /Type /Font /Subtype /CIDFontType2 /BaseFont /${baseFont} /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> ` +
          `/FontDescriptor ${descriptorId} 0 R /DW 1000 /W [0 [${widths.join(' ')}]] /CIDToGIDMap /Identity >>`,
      );
      const toUnicodeId = add(stream('', latin1(toUnicodeCMap(unicodeOf))));
      const fontId = add(`<< /Type /Font /Subtype /Type0 /BaseFont /${baseFont} /Encoding /Identity-H /DescendantFonts [${cidFontId} 0 R] /ToUnicode ${toUnicodeId} 0 R >>`);

      const pageIds: number[] = [];
      for (const page of pages) {
        const content = page.ops
          .map((op) => (typeof op === 'string' ? op : `<${op.codePoints.map((code) => gidOf(code).toString(16).padStart(4, '0')).join('')}>`))
          .join('');
        const contentId = add(stream('', latin1(content)));
        pageIds.push(
          add(
            `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 ${num(page.widthPt)} ${num(page.heightPt)}] ` +
              `/Resources << /Font << /F1 ${fontId} 0 R >> /ProcSet [/PDF /Text] >> /Contents ${contentId} 0 R >>`,
          ),
        );
      }
      objects[catalogId - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
      objects[pagesId - 1] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
      const infoParts = ['/Producer (Lavka)'];
      if (options.title) infoParts.push(`/Title ${utf16Hex(options.title)}`);
      if (options.createdAt) infoParts.push(`/CreationDate (${pdfDate(options.createdAt)})`);
      const infoId = add(`<< ${infoParts.join(' ')} >>`);

      const chunks: Uint8Array[] = [latin1('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n')];
      let length = chunks[0]!.length;
      const offsets: number[] = [];
      objects.forEach((body, index) => {
        offsets.push(length);
        const bytes = concatBytes([latin1(`${index + 1} 0 obj\n`), typeof body === 'string' ? latin1(body) : body, latin1('\nendobj\n')]);
        chunks.push(bytes);
        length += bytes.length;
      });
      const id = createHash('md5').update(concatBytes(chunks)).digest('hex');
      const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`)].join('');
      chunks.push(latin1(`${xref}trailer\n<< /Size ${objects.length + 1} /Root ${catalogId} 0 R /Info ${infoId} 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${length}\n%%EOF\n`));
      return concatBytes(chunks);
    },
  };
}

/** The CMap that maps glyph ids back to Unicode (copy, search, screen readers). */
function toUnicodeCMap(unicodeOf: ReadonlyMap<number, number>): string {
  const entries = [...unicodeOf].sort((a, b) => a[0] - b[0]);
  const blocks: string[] = [];
  for (let index = 0; index < entries.length; index += 100) {
    const block = entries.slice(index, index + 100);
    blocks.push(`${block.length} beginbfchar\n${block.map(([gid, code]) => `<${gid.toString(16).padStart(4, '0')}> <${utf16BeHex(code)}>`).join('\n')}\nendbfchar`);
  }
  return [
    '/CIDInit /ProcSet findresource begin',
    '12 dict begin',
    'begincmap',
    '/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def',
    '/CMapName /Adobe-Identity-UCS def',
    '/CMapType 2 def',
    '1 begincodespacerange',
    '<0000> <FFFF>',
    'endcodespacerange',
    ...blocks,
    'endcmap',
    'CMapName currentdict /CMap defineresource pop',
    'end',
    'end',
  ].join('\n');
}

function utf16BeHex(codePoint: number): string {
  const text = String.fromCodePoint(codePoint);
  let hex = '';
  for (let index = 0; index < text.length; index += 1) hex += text.charCodeAt(index).toString(16).padStart(4, '0');
  return hex;
}

function utf16Hex(text: string): string {
  let hex = 'FEFF';
  for (let index = 0; index < text.length; index += 1) hex += text.charCodeAt(index).toString(16).padStart(4, '0');
  return `<${hex}>`;
}

function pdfDate(date: Date): string {
  const iso = date.toISOString();
  return `D:${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
}

/** A number as PDF writes it: at most two decimals, no exponent. */
function num(value: number): string {
  return String(Math.round(value * 100) / 100);
}

function latin1(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0) & 0xff);
}

function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

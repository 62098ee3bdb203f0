// A small TrueType reader and subsetter: enough to embed a font with Cyrillic and Kazakh
// letters into a PDF. PDF's 14 standard fonts only cover Latin-1, so text in Russian or
// Kazakh needs a font inside the file. The subsetter keeps the glyphs for a set of
// characters (and the parts of composite glyphs, such as Ё = Е + dieresis), renumbers them
// densely and writes a valid `.ttf` with only the tables a PDF viewer uses.

/** A parsed TrueType font. */
export interface TrueTypeFont {
  readonly unitsPerEm: number;
  readonly ascent: number;
  readonly descent: number;
  readonly capHeight: number;
  readonly bbox: readonly [number, number, number, number];
  readonly italicAngle: number;
  readonly numGlyphs: number;
  /** PostScript name from the `name` table, e.g. `DejaVuSans`. */
  readonly postScriptName: string;
  /** The glyph of a code point; 0 (`.notdef`) when the font has none. */
  glyphOf(codePoint: number): number;
  /** Advance width of a glyph in font units. */
  advanceOf(glyph: number): number;
  /** Left side bearing of a glyph in font units. */
  lsbOf(glyph: number): number;
  /** Where a glyph's outline lies in the `glyf` table: `[start, end)`; empty for blank glyphs. */
  glyphRange(glyph: number): [number, number];
  /** Every code point the font maps to a glyph. */
  codePoints(): number[];
  /** The raw bytes of a table, if present. */
  table(tag: string): Uint8Array | undefined;
}

/** A font that does not parse, or lacks what Lavka needs. */
export class FontError extends Error {
  override readonly name = 'FontError';
}

interface TableRecord {
  offset: number;
  length: number;
}

/** Parses a TrueType (`glyf`-outline) font. */
export function parseTrueType(bytes: Uint8Array): TrueTypeFont {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 12) throw new FontError('font file too short');
  const version = view.getUint32(0);
  if (version !== 0x00010000 && version !== 0x74727565) throw new FontError('not a TrueType font (CFF/OpenType outlines are not supported)');
  const numTables = view.getUint16(4);
  const tables = new Map<string, TableRecord>();
  for (let index = 0; index < numTables; index += 1) {
    const at = 12 + index * 16;
    const tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
    const offset = view.getUint32(at + 8);
    const length = view.getUint32(at + 12);
    if (offset + length > bytes.byteLength) throw new FontError(`table ${tag} runs past the end of the file`);
    tables.set(tag, { offset, length });
  }
  for (const tag of ['head', 'hhea', 'maxp', 'hmtx', 'loca', 'glyf', 'cmap']) {
    if (!tables.has(tag)) throw new FontError(`font has no ${tag} table`);
  }
  const at = (tag: string) => (tables.get(tag) as TableRecord).offset;

  const head = at('head');
  const unitsPerEm = view.getUint16(head + 18);
  const bbox = [view.getInt16(head + 36), view.getInt16(head + 38), view.getInt16(head + 40), view.getInt16(head + 42)] as const;
  const longLoca = view.getInt16(head + 50) === 1;
  const hhea = at('hhea');
  const numberOfHMetrics = view.getUint16(hhea + 34);
  const numGlyphs = view.getUint16(at('maxp') + 4);

  let ascent = view.getInt16(hhea + 4);
  let descent = view.getInt16(hhea + 6);
  let capHeight = ascent;
  const os2 = tables.get('OS/2');
  if (os2) {
    ascent = view.getInt16(os2.offset + 68);
    descent = view.getInt16(os2.offset + 70);
    if (view.getUint16(os2.offset) >= 2 && os2.length >= 90) capHeight = view.getInt16(os2.offset + 88);
  }
  const post = tables.get('post');
  const italicAngle = post ? view.getInt32(post.offset + 4) / 65536 : 0;

  const hmtx = at('hmtx');
  const advanceOf = (glyph: number) => view.getUint16(hmtx + 4 * Math.min(glyph, numberOfHMetrics - 1));

  const cmap = readCmap(view, at('cmap'));
  const table = (tag: string) => {
    const record = tables.get(tag);
    return record ? bytes.subarray(record.offset, record.offset + record.length) : undefined;
  };

  const loca = at('loca');
  const glyphRange = (glyph: number): [number, number] =>
    longLoca
      ? [view.getUint32(loca + glyph * 4), view.getUint32(loca + glyph * 4 + 4)]
      : [view.getUint16(loca + glyph * 2) * 2, view.getUint16(loca + glyph * 2 + 2) * 2];

  return {
    unitsPerEm,
    ascent,
    descent,
    capHeight,
    bbox,
    italicAngle,
    numGlyphs,
    postScriptName: readPostScriptName(view, tables.get('name')) ?? 'Font',
    glyphOf: (codePoint) => cmap.get(codePoint) ?? 0,
    advanceOf,
    codePoints: () => [...cmap.keys()].sort((a, b) => a - b),
    table,
    glyphRange,
    lsbOf: (glyph) =>
      glyph < numberOfHMetrics ? view.getInt16(hmtx + 4 * glyph + 2) : view.getInt16(hmtx + 4 * numberOfHMetrics + 2 * (glyph - numberOfHMetrics)),
  };
}

/** Reads the Unicode cmap: format 12 (full range) when present, else format 4 (BMP). */
function readCmap(view: DataView, cmapOffset: number): Map<number, number> {
  const count = view.getUint16(cmapOffset + 2);
  let format4: number | undefined;
  let format12: number | undefined;
  for (let index = 0; index < count; index += 1) {
    const platform = view.getUint16(cmapOffset + 4 + index * 8);
    const encoding = view.getUint16(cmapOffset + 6 + index * 8);
    const offset = cmapOffset + view.getUint32(cmapOffset + 8 + index * 8);
    const format = view.getUint16(offset);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12) format12 ??= offset;
    if (format === 4) format4 ??= offset;
  }
  const map = new Map<number, number>();
  if (format12 !== undefined) {
    const groups = view.getUint32(format12 + 12);
    for (let group = 0; group < groups; group += 1) {
      const at = format12 + 16 + group * 12;
      const start = view.getUint32(at);
      const end = view.getUint32(at + 4);
      const firstGlyph = view.getUint32(at + 8);
      for (let code = start; code <= end; code += 1) map.set(code, firstGlyph + (code - start));
    }
    return map;
  }
  if (format4 === undefined) throw new FontError('font has no Unicode cmap');
  const segCount = view.getUint16(format4 + 6) / 2;
  const ends = format4 + 14;
  const starts = ends + segCount * 2 + 2;
  const deltas = starts + segCount * 2;
  const rangeOffsets = deltas + segCount * 2;
  for (let segment = 0; segment < segCount; segment += 1) {
    const end = view.getUint16(ends + segment * 2);
    const start = view.getUint16(starts + segment * 2);
    const delta = view.getInt16(deltas + segment * 2);
    const rangeOffsetAt = rangeOffsets + segment * 2;
    const rangeOffset = view.getUint16(rangeOffsetAt);
    for (let code = start; code <= end && code !== 0xffff; code += 1) {
      let glyph: number;
      if (rangeOffset === 0) glyph = (code + delta) & 0xffff;
      else {
        const raw = view.getUint16(rangeOffsetAt + rangeOffset + (code - start) * 2);
        glyph = raw === 0 ? 0 : (raw + delta) & 0xffff;
      }
      if (glyph !== 0) map.set(code, glyph);
    }
  }
  return map;
}

function readPostScriptName(view: DataView, record: TableRecord | undefined): string | undefined {
  if (!record) return undefined;
  const count = view.getUint16(record.offset + 2);
  const strings = record.offset + view.getUint16(record.offset + 4);
  for (let index = 0; index < count; index += 1) {
    const at = record.offset + 6 + index * 12;
    const platform = view.getUint16(at);
    const nameId = view.getUint16(at + 6);
    if (nameId !== 6) continue;
    const length = view.getUint16(at + 8);
    const offset = strings + view.getUint16(at + 10);
    let text = '';
    if (platform === 3 || platform === 0) {
      for (let i = 0; i < length; i += 2) text += String.fromCharCode(view.getUint16(offset + i));
    } else {
      for (let i = 0; i < length; i += 1) text += String.fromCharCode(view.getUint8(offset + i));
    }
    if (/^[\x21-\x7e]+$/.test(text)) return text;
  }
  return undefined;
}

// Composite glyph flags (TrueType `glyf` table).
const ARG_1_AND_2_ARE_WORDS = 0x0001;
const WE_HAVE_A_SCALE = 0x0008;
const MORE_COMPONENTS = 0x0020;
const WE_HAVE_AN_X_AND_Y_SCALE = 0x0040;
const WE_HAVE_A_TWO_BY_TWO = 0x0080;

/** The result of {@link subsetTrueType}: the new font and where each old glyph went. */
export interface FontSubset {
  bytes: Uint8Array;
  /** Old glyph id → new glyph id. */
  glyphMap: Map<number, number>;
}

/**
 * Writes a font with only the glyphs of `codePoints` (plus `.notdef` and composite parts),
 * renumbered from 0. Keeps the hinting tables and `name`/`OS/2` (the copyright and licence
 * strings travel with the font, as its licence asks); drops kerning and layout tables.
 */
export function subsetTrueType(source: Uint8Array, codePoints: Iterable<number>): FontSubset {
  const font = parseTrueType(source);
  const glyf = font.table('glyf') as Uint8Array;
  const glyfView = new DataView(glyf.buffer, glyf.byteOffset, glyf.byteLength);

  const componentsOf = (glyph: number): { at: number; glyph: number }[] => {
    const [start, end] = font.glyphRange(glyph);
    if (end - start < 10 || glyfView.getInt16(start) >= 0) return [];
    const parts: { at: number; glyph: number }[] = [];
    let at = start + 10;
    for (;;) {
      const flags = glyfView.getUint16(at);
      parts.push({ at: at + 2 - start, glyph: glyfView.getUint16(at + 2) });
      at += 4 + (flags & ARG_1_AND_2_ARE_WORDS ? 4 : 2);
      if (flags & WE_HAVE_A_SCALE) at += 2;
      else if (flags & WE_HAVE_AN_X_AND_Y_SCALE) at += 4;
      else if (flags & WE_HAVE_A_TWO_BY_TWO) at += 8;
      if (!(flags & MORE_COMPONENTS)) return parts;
    }
  };

  const keep = new Set<number>([0]);
  const cmap = new Map<number, number>();
  for (const codePoint of codePoints) {
    const glyph = font.glyphOf(codePoint);
    if (glyph === 0) continue;
    cmap.set(codePoint, glyph);
    keep.add(glyph);
  }
  const pending = [...keep];
  while (pending.length > 0) {
    for (const part of componentsOf(pending.pop() as number)) {
      if (!keep.has(part.glyph)) {
        keep.add(part.glyph);
        pending.push(part.glyph);
      }
    }
  }
  const order = [...keep].sort((a, b) => a - b);
  const glyphMap = new Map(order.map((oldGlyph, newGlyph) => [oldGlyph, newGlyph]));

  // glyf + loca (long offsets), with composite references renumbered.
  const pieces: Uint8Array[] = [];
  const loca = new DataView(new ArrayBuffer((order.length + 1) * 4));
  let glyfLength = 0;
  order.forEach((oldGlyph, newGlyph) => {
    loca.setUint32(newGlyph * 4, glyfLength);
    const [start, end] = font.glyphRange(oldGlyph);
    if (end <= start) return;
    const data = copyOf(glyf.subarray(start, end));
    const dataView = new DataView(data.buffer);
    for (const part of componentsOf(oldGlyph)) dataView.setUint16(part.at, glyphMap.get(part.glyph) as number);
    const padded = (data.length + 3) & ~3;
    const out = new Uint8Array(padded);
    out.set(data);
    pieces.push(out);
    glyfLength += padded;
  });
  loca.setUint32(order.length * 4, glyfLength);
  const newGlyf = concat(pieces);

  const hmtx = new DataView(new ArrayBuffer(order.length * 4));
  order.forEach((oldGlyph, newGlyph) => {
    hmtx.setUint16(newGlyph * 4, font.advanceOf(oldGlyph));
    hmtx.setInt16(newGlyph * 4 + 2, font.lsbOf(oldGlyph));
  });

  const head = copyOf(font.table('head') as Uint8Array);
  const headView = new DataView(head.buffer);
  headView.setUint32(8, 0);
  headView.setInt16(50, 1);
  const hhea = copyOf(font.table('hhea') as Uint8Array);
  new DataView(hhea.buffer).setUint16(34, order.length);
  const maxp = copyOf(font.table('maxp') as Uint8Array);
  new DataView(maxp.buffer).setUint16(4, order.length);
  // post format 3: no glyph names (they would have to be renumbered too, and nothing needs them).
  const post = copyOf((font.table('post') ?? new Uint8Array(32)).subarray(0, 32));
  new DataView(post.buffer).setUint32(0, 0x00030000);

  const newCmap = buildCmapFormat4(new Map([...cmap].map(([code, glyph]) => [code, glyphMap.get(glyph) as number])));

  const tables = new Map<string, Uint8Array>([
    ['OS/2', font.table('OS/2')],
    ['cmap', newCmap],
    ['cvt ', font.table('cvt ')],
    ['fpgm', font.table('fpgm')],
    ['gasp', font.table('gasp')],
    ['glyf', newGlyf],
    ['head', head],
    ['hhea', hhea],
    ['hmtx', new Uint8Array(hmtx.buffer)],
    ['loca', new Uint8Array(loca.buffer)],
    ['maxp', maxp],
    ['name', font.table('name')],
    ['post', post],
    ['prep', font.table('prep')],
  ].filter((entry): entry is [string, Uint8Array] => entry[1] !== undefined));
  const bytes = writeSfnt(tables);
  // The whole-font checksum goes into head.checkSumAdjustment once everything else is final.
  const headOffset = findTable(bytes, 'head');
  new DataView(bytes.buffer).setUint32(headOffset + 8, (0xb1b0afba - checksum(bytes)) >>> 0);
  return { bytes, glyphMap };
}

/** A format 4 cmap (platform 3, encoding 1) for BMP code points. */
function buildCmapFormat4(map: Map<number, number>): Uint8Array {
  const codes = [...map.keys()].filter((code) => code <= 0xfffe).sort((a, b) => a - b);
  // One segment per run of consecutive codes with consecutive glyphs (constant delta).
  const segments: { start: number; end: number; delta: number }[] = [];
  for (const code of codes) {
    const glyph = map.get(code) as number;
    const last = segments.at(-1);
    if (last && code === last.end + 1 && ((glyph - code) & 0xffff) === last.delta) last.end = code;
    else segments.push({ start: code, end: code, delta: (glyph - code) & 0xffff });
  }
  segments.push({ start: 0xffff, end: 0xffff, delta: 1 });
  const segCount = segments.length;
  const length = 16 + segCount * 8;
  const out = new DataView(new ArrayBuffer(12 + length));
  out.setUint16(0, 0);
  out.setUint16(2, 1);
  out.setUint16(4, 3);
  out.setUint16(6, 1);
  out.setUint32(8, 12);
  const t = 12;
  const searchRange = 2 * 2 ** Math.floor(Math.log2(segCount));
  out.setUint16(t, 4);
  out.setUint16(t + 2, length);
  out.setUint16(t + 4, 0);
  out.setUint16(t + 6, segCount * 2);
  out.setUint16(t + 8, searchRange);
  out.setUint16(t + 10, Math.log2(searchRange / 2));
  out.setUint16(t + 12, segCount * 2 - searchRange);
  segments.forEach((segment, index) => {
    out.setUint16(t + 14 + index * 2, segment.end);
    out.setUint16(t + 16 + segCount * 2 + index * 2, segment.start);
    out.setUint16(t + 16 + segCount * 4 + index * 2, segment.delta);
    out.setUint16(t + 16 + segCount * 6 + index * 2, 0);
  });
  return new Uint8Array(out.buffer);
}

function writeSfnt(tables: Map<string, Uint8Array>): Uint8Array {
  const tags = [...tables.keys()].sort();
  const headerLength = 12 + tags.length * 16;
  let total = headerLength;
  for (const tag of tags) total += ((tables.get(tag) as Uint8Array).length + 3) & ~3;
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  const entrySelector = Math.floor(Math.log2(tags.length));
  view.setUint32(0, 0x00010000);
  view.setUint16(4, tags.length);
  view.setUint16(6, 2 ** entrySelector * 16);
  view.setUint16(8, entrySelector);
  view.setUint16(10, tags.length * 16 - 2 ** entrySelector * 16);
  let offset = headerLength;
  tags.forEach((tag, index) => {
    const data = tables.get(tag) as Uint8Array;
    const at = 12 + index * 16;
    for (let i = 0; i < 4; i += 1) view.setUint8(at + i, tag.charCodeAt(i));
    bytes.set(data, offset);
    view.setUint32(at + 4, checksum(bytes.subarray(offset, offset + ((data.length + 3) & ~3))));
    view.setUint32(at + 8, offset);
    view.setUint32(at + 12, data.length);
    offset += (data.length + 3) & ~3;
  });
  return bytes;
}

function findTable(bytes: Uint8Array, tag: string): number {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let index = 0; index < view.getUint16(4); index += 1) {
    const at = 12 + index * 16;
    if (String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!) === tag) return view.getUint32(at + 8);
  }
  throw new FontError(`no ${tag} table`);
}

/** The TrueType table checksum: the sum of big-endian 32-bit words, zero-padded. */
function checksum(bytes: Uint8Array): number {
  let sum = 0;
  for (let at = 0; at < bytes.length; at += 4) {
    const word = ((bytes[at] ?? 0) << 24) | ((bytes[at + 1] ?? 0) << 16) | ((bytes[at + 2] ?? 0) << 8) | (bytes[at + 3] ?? 0);
    sum = (sum + (word >>> 0)) >>> 0;
  }
  return sum;
}

/**
 * A copy with its own buffer. `Buffer#slice` shares memory (unlike `Uint8Array#slice`), and
 * callers may pass a Buffer from `readFileSync`, so copies are made explicitly.
 */
function copyOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(bytes);
}

function concat(pieces: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(pieces.reduce((total, piece) => total + piece.length, 0));
  let at = 0;
  for (const piece of pieces) {
    out.set(piece, at);
    at += piece.length;
  }
  return out;
}

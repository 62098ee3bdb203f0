import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The font Lavka ships for PDFs: DejaVu Sans cut down to Latin and Cyrillic (see assets/fonts/README.md). */
export const LAVKA_FONT_FILE = path.resolve(import.meta.dirname, '../../../assets/fonts/DejaVuSans-LavkaSubset.ttf');

const ranges: [number, number][] = [
  [0x0020, 0x007e], // Basic Latin
  [0x00a0, 0x017f], // Latin-1 and Latin Extended-A
  [0x0400, 0x04ff], // Cyrillic, with the Kazakh letters Ә Ғ Қ Ң Ө Ұ Ү Һ І
  [0x2010, 0x2027], // dashes, quotes, bullet, ellipsis
  [0x2030, 0x2030],
  [0x2039, 0x203a],
  [0x20ac, 0x20ac], // €
  [0x20b8, 0x20b8], // ₸
  [0x20bd, 0x20bd], // ₽
  [0x2116, 0x2116], // №
  [0x2122, 0x2122],
  [0x2713, 0x2713], // ✓
];

/** Every character the shipped font is cut to; others print as `?`. */
export const LAVKA_FONT_CODE_POINTS: readonly number[] = ranges.flatMap(([start, end]) => Array.from({ length: end - start + 1 }, (_, index) => start + index));

const printable = new Set(LAVKA_FONT_CODE_POINTS);

/**
 * Text as the shipped font can print it: tabs and carriage returns become spaces (a line feed
 * stays a line break), and characters the font lacks become `?`, so a viewer never shows an
 * empty box.
 */
export function printableText(text: string): string {
  return [...text.replace(/[\t\r]/g, ' ')].map((char) => (char === '\n' || printable.has(char.codePointAt(0) as number) ? char : '?')).join('');
}

let cached: Buffer | undefined;

/** The shipped font's bytes, read once. */
export function lavkaFontBytes(): Buffer {
  cached ??= readFileSync(LAVKA_FONT_FILE);
  return cached;
}

// Rebuilds assets/fonts/DejaVuSans-LavkaSubset.ttf from a full DejaVu Sans, e.g. Debian's
// fonts-dejavu-core: `npx node assets/fonts/build-subset.ts /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`
// The subset covers Latin, Cyrillic (Russian and Kazakh) and the punctuation and currency
// signs Lavka's documents use; see README.md in this folder.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { LAVKA_FONT_CODE_POINTS } from '../../src/modules/documents/font.ts';
import { parseTrueType, subsetTrueType } from '../../src/modules/documents/truetype.ts';

const source = process.argv[2] ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const target = path.join(import.meta.dirname, 'DejaVuSans-LavkaSubset.ttf');
const full = readFileSync(source);
const font = parseTrueType(full);
const missing = LAVKA_FONT_CODE_POINTS.filter((code) => font.glyphOf(code) === 0);
const subset = subsetTrueType(full, LAVKA_FONT_CODE_POINTS);
writeFileSync(target, subset.bytes);
console.warn(`${target}: ${subset.glyphMap.size} glyphs, ${subset.bytes.length} bytes (from ${full.length}); not in the source font: ${missing.map((code) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`).join(' ') || 'none'}`);

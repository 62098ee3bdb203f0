// Rebuilds assets/fonts/DejaVuSans-LavkaSubset.ttf from a full DejaVu Sans, e.g. Debian's
// fonts-dejavu-core: `npx node assets/fonts/build-subset.ts /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf`
// (a second argument writes the result elsewhere). The subset covers Latin, Cyrillic (Russian
// and Kazakh) and the punctuation and currency signs Lavka's documents use; see README.md in
// this folder. The cutting is HarfBuzz's subsetter (`subset-font`, a devDependency).
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as fontkit from 'fontkit';
import subsetFont from 'subset-font';
import { LAVKA_FONT_CODE_POINTS } from '../../src/modules/documents/font.ts';

const source = process.argv[2] ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const target = process.argv[3] ?? path.join(import.meta.dirname, 'DejaVuSans-LavkaSubset.ttf');
const full = readFileSync(source);
const font = fontkit.create(full) as fontkit.Font;
const missing = LAVKA_FONT_CODE_POINTS.filter((code) => !font.hasGlyphForCodePoint(code));
const subset = await subsetFont(full, String.fromCodePoint(...LAVKA_FONT_CODE_POINTS), {
  targetFormat: 'sfnt',
  // The copyright, licence and licence URL travel with the font, as its licence asks.
  preserveNameIds: [0, 1, 2, 3, 4, 5, 6, 13, 14],
  // Lavka lays text out without shaping; kerning and layout tables would only add weight.
  dropTables: ['GDEF', 'GPOS', 'GSUB', 'MATH', 'kern'],
});
writeFileSync(target, subset);
const written = fontkit.create(subset) as fontkit.Font;
console.warn(`${target}: ${written.numGlyphs} glyphs, ${subset.length} bytes (from ${full.length}); not in the source font: ${missing.map((code) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`).join(' ') || 'none'}`);

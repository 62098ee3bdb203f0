import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import * as fontkit from 'fontkit';
import { readPdf } from '../../../test/support/pdf-reader.ts';
import { renderConfirmationPdf, type ConfirmationContent } from './confirmation.pdf.ts';
import { LAVKA_FONT_CODE_POINTS, lavkaFontBytes } from './font.ts';

const KAZAKH = 'Қабылдауға жазылу расталды: Әлия Нұрланқызы, дәрігер Ғалым Өмірбеков, Үшінші қабат, №12';
const RUSSIAN = 'Запись подтверждена: Ёлкина Щука, 12 500 ₸';
const SYSTEM_DEJAVU = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const A4_WIDTH_PT = 595.28;
const MARGIN_PT = 56;

const openFont = (bytes: Buffer) => fontkit.create(bytes) as fontkit.Font;

/** A confirmation with only the given parts filled in. */
const confirmation = (parts: Partial<ConfirmationContent>): ConfirmationContent => ({
  title: 'Растау',
  business: 'Lavka',
  rows: [],
  notes: [],
  issued: '11.03.2026 11:00',
  createdAt: new Date('2026-03-11T06:00:00Z'),
  ...parts,
});

/** Whether poppler's tools are installed (Debian: poppler-utils). */
const hasPoppler = ['/usr/bin/pdftoppm', '/usr/local/bin/pdftoppm'].some((file) => existsSync(file));

/** How many dark pixels poppler draws for the first page at 72 dpi. */
function inkOf(pdf: Uint8Array): number {
  const folder = mkdtempSync(path.join(tmpdir(), 'lavka-pdf-'));
  try {
    writeFileSync(path.join(folder, 'page.pdf'), pdf);
    execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', '1', '-l', '1', '-singlefile', path.join(folder, 'page.pdf'), path.join(folder, 'page')]);
    const image = readFileSync(path.join(folder, 'page.pgm'));
    // Binary PGM: "P5\n<width> <height>\n<max>\n" and one byte per pixel.
    const header = /^P5\s+\d+\s+\d+\s+\d+\s/.exec(image.toString('latin1', 0, 64));
    assert.ok(header, 'pdftoppm wrote a PGM');
    return image.subarray(header[0].length).filter((pixel) => pixel < 128).length;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

describe('the shipped PDF font', () => {
  test('covers every Kazakh and Russian letter, in both cases', () => {
    const font = openFont(lavkaFontBytes());
    const letters = 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ';
    for (const char of letters + letters.toLowerCase() + '₸№«»—') {
      assert.ok(font.hasGlyphForCodePoint(char.codePointAt(0) as number), `no glyph for ${char}`);
    }
    assert.equal(font.postscriptName, 'DejaVuSans');
  });

  test('has a glyph for every character Lavka prints, so none of them turns into a question mark by mistake', () => {
    const font = openFont(lavkaFontBytes());
    const missing = LAVKA_FONT_CODE_POINTS.filter((code) => !font.hasGlyphForCodePoint(code));
    assert.deepEqual(missing, []);
  });

  test('the shipped subset matches the system DejaVu Sans where Debian has it', { skip: !existsSync(SYSTEM_DEJAVU) }, () => {
    const full = openFont(readFileSync(SYSTEM_DEJAVU));
    const font = openFont(lavkaFontBytes());
    for (const code of LAVKA_FONT_CODE_POINTS) assert.equal(font.glyphForCodePoint(code).advanceWidth, full.glyphForCodePoint(code).advanceWidth);
  });
});

describe('the confirmation PDF', () => {
  test('is a PDF 1.4 whose Kazakh and Russian text reads back through the ToUnicode map, with the font embedded as a subset', async () => {
    const bytes = await renderConfirmationPdf(
      confirmation({
        title: 'Растау №12',
        business: 'Клиника «Шипагер»',
        rows: [
          { label: 'Пациент', value: 'Нұрланова Әлия' },
          { label: 'Врач', value: 'Ғалым Өмірбеков' },
        ],
        notes: [KAZAKH, RUSSIAN],
      }),
    );
    const read = await readPdf(bytes);
    assert.equal(read.version, '1.4');
    assert.equal(read.info.Title, 'Растау №12');
    assert.equal(read.pages.length, 1);
    const [page] = read.pages;
    assert.deepEqual(page!.slice(0, 4), ['Клиника «Шипагер»', 'Растау №12', 'Пациент Нұрланова Әлия', 'Врач Ғалым Өмірбеков']);
    assert.equal(page!.slice(4, -1).join(' '), `${KAZAKH} ${RUSSIAN}`);
    assert.equal(page!.at(-1), '11.03.2026 11:00');

    const [font] = read.fonts[0]!;
    assert.equal(read.fonts[0]!.length, 1);
    assert.match(font!.name, /^[A-Z]{6}\+DejaVuSans$/, 'a subset is named with a six-letter tag');
    assert.ok(font!.embedded, 'the font file travels inside the PDF');
    const embedded = openFont(Buffer.from(font!.data as Uint8Array));
    assert.ok(embedded.numGlyphs < 80, `the font is subset to the text: ${embedded.numGlyphs} glyphs`);
    assert.ok(bytes.length < 40_000, `${bytes.length} bytes`);
  });

  test('the same content gives the same bytes', async () => {
    const build = async () => Buffer.from(await renderConfirmationPdf(confirmation({ rows: [{ label: 'Пациент', value: RUSSIAN }] })));
    assert.ok((await build()).equals(await build()));
  });

  test('characters the font lacks print as a question mark instead of breaking the file', async () => {
    const read = await readPdf(await renderConfirmationPdf(confirmation({ title: 'Визит 🦷 ok' })));
    assert.equal(read.pages[0]![1], 'Визит ? ok');
  });

  test('long text wraps at spaces within the page margins, and an overlong word is cut', async () => {
    const overlong = 'Ж'.repeat(100);
    const read = await readPdf(await renderConfirmationPdf(confirmation({ rows: [{ label: 'Филиал', value: `${KAZAKH} ${KAZAKH}` }], notes: [overlong] })));
    const runs = read.runs[0]!;
    for (const run of runs) assert.ok(run.x >= MARGIN_PT - 0.01 && run.x + run.widthPt <= A4_WIDTH_PT - MARGIN_PT + 0.01, `${run.text} runs past the margin`);
    const value = runs.filter((run) => run.x > MARGIN_PT + 100 && run.sizePt === 11);
    assert.ok(value.length > 2, `the value takes ${value.length} lines`);
    assert.equal(value.map((run) => run.text.trim()).join(' '), `${KAZAKH} ${KAZAKH}`);
    const cut = runs.filter((run) => run.text.startsWith('Ж'));
    assert.ok(cut.length > 1, 'the overlong word is cut over lines');
    assert.equal(cut.map((run) => run.text).join(''), overlong);
  });

  test('Ё keeps its dieresis: the subset carries the parts of composite glyphs (rendered by poppler)', { skip: !hasPoppler }, async () => {
    const ink = async (title: string) => inkOf(await renderConfirmationPdf(confirmation({ title, business: '', issued: '' })));
    const plain = await ink('ЕЕЕЕ');
    const dotted = await ink('ЁЁЁЁ');
    assert.ok(plain > 0, 'Е is drawn');
    assert.ok(dotted > plain, `Ё (${dotted} dark pixels) has more ink than Е (${plain})`);
  });
});

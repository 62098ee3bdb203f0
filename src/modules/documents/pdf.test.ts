import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { readPdf } from '../../../test/support/pdf-reader.ts';
import { LAVKA_FONT_CODE_POINTS, lavkaFont } from './font.ts';
import { createPdf } from './pdf.ts';
import { parseTrueType, subsetTrueType } from './truetype.ts';

const KAZAKH = 'Қабылдауға жазылу расталды: Әлия Нұрланқызы, дәрігер Ғалым Өмірбеков, Үшінші қабат, №12';
const RUSSIAN = 'Запись подтверждена: Ёлкина Щука, 12 500 ₸';

describe('the shipped PDF font', () => {
  test('covers every Kazakh and Russian letter, in both cases', () => {
    const { font } = lavkaFont();
    const letters = 'АӘБВГҒДЕЁЖЗИЙКҚЛМНҢОӨПРСТУҰҮФХҺЦЧШЩЪЫІЬЭЮЯ';
    for (const char of letters + letters.toLowerCase() + '₸№«»—') {
      assert.notEqual(font.glyphOf(char.codePointAt(0) as number), 0, `no glyph for ${char}`);
    }
    assert.equal(font.postScriptName, 'DejaVuSans');
  });

  test('subsetting keeps the parts of composite glyphs and renumbers them densely', () => {
    const { bytes, font } = lavkaFont();
    const codes = [...'Ёё'].map((char) => char.codePointAt(0) as number);
    const subset = subsetTrueType(bytes, codes);
    const small = parseTrueType(subset.bytes);
    assert.deepEqual([...subset.glyphMap.values()].sort((a, b) => a - b), [...Array(subset.glyphMap.size).keys()]);
    // Ё is built from Е and a dieresis in DejaVu, so more glyphs come along than letters asked for.
    assert.ok(subset.glyphMap.size > 3, `only ${subset.glyphMap.size} glyphs`);
    for (const code of codes) {
      const glyph = small.glyphOf(code);
      assert.notEqual(glyph, 0);
      assert.equal(small.advanceOf(glyph), font.advanceOf(font.glyphOf(code)));
      const [start, end] = small.glyphRange(glyph);
      assert.ok(end > start, 'the glyph has an outline');
    }
    assert.equal(small.glyphOf('A'.codePointAt(0) as number), 0, 'letters not asked for are gone');
  });

  test('the shipped subset matches the system DejaVu Sans where Debian has it', { skip: !existsSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf') }, () => {
    const full = parseTrueType(new Uint8Array(readFileSync('/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf')));
    const { font } = lavkaFont();
    for (const code of LAVKA_FONT_CODE_POINTS) assert.equal(font.advanceOf(font.glyphOf(code)), full.advanceOf(full.glyphOf(code)));
  });
});

describe('the PDF writer', () => {
  test('writes a PDF 1.4 whose Kazakh and Russian text reads back through the ToUnicode map', () => {
    const pdf = createPdf({ title: 'Растау', createdAt: new Date('2026-03-11T06:00:00Z') });
    const page = pdf.addPage();
    page.text(KAZAKH, { x: 40, y: 800, sizePt: 11 });
    page.text(RUSSIAN, { x: 40, y: 780, sizePt: 11, grey: 0.3 });
    page.line(40, 770, 555, 770);
    const bytes = pdf.toBytes();
    const read = readPdf(bytes);
    assert.equal(read.version, '1.4');
    assert.deepEqual(read.pages, [[KAZAKH, RUSSIAN]]);
    const embedded = parseTrueType(new Uint8Array(read.fontFile as Buffer));
    assert.ok(embedded.numGlyphs < 80, `the font is subset to the text: ${embedded.numGlyphs} glyphs`);
    assert.ok(bytes.length < 40_000, `${bytes.length} bytes`);
    assert.match(Buffer.from(bytes).toString('latin1'), /\/BaseFont \/[A-Z]{6}\+DejaVuSans/);
  });

  test('the same input gives the same bytes', () => {
    const build = () => {
      const pdf = createPdf({ createdAt: new Date('2026-03-11T06:00:00Z') });
      pdf.addPage().text(RUSSIAN, { x: 10, y: 10, sizePt: 10 });
      return Buffer.from(pdf.toBytes());
    };
    assert.ok(build().equals(build()));
  });

  test('characters the font lacks print as a question mark instead of breaking the file', () => {
    const pdf = createPdf();
    pdf.addPage().text('Визит 🦷 ok', { x: 10, y: 10, sizePt: 10 });
    assert.deepEqual(readPdf(pdf.toBytes()).pages, [['Визит ? ok']]);
  });

  test('long text wraps at spaces within the width, and an overlong word is cut', () => {
    const pdf = createPdf();
    const lines = pdf.wrap(`${KAZAKH} ${KAZAKH}`, 12, 200);
    assert.ok(lines.length > 3);
    for (const line of lines) assert.ok(pdf.textWidth(line, 12) <= 200, line);
    assert.equal(lines.join(' '), `${KAZAKH} ${KAZAKH}`);
    const cut = pdf.wrap('Ж'.repeat(100), 12, 100);
    assert.ok(cut.length > 1 && cut.every((line) => pdf.textWidth(line, 12) <= 100));
    assert.equal(cut.join(''), 'Ж'.repeat(100));
  });
});

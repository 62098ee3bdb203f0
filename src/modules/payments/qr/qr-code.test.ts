import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import {
  addErrorCorrection,
  blockLayout,
  byteCapacity,
  dataModuleOrder,
  encodeQr,
  formatBitPositions,
  formatBits,
  maskBit,
  reedSolomonRemainder,
  versionBits,
  type QrCode,
} from './qr-code.ts';
import { PNG_SIGNATURE } from '../../../media/png.ts';
import { qrToPng } from './qr-png.ts';

/** Which modules are function patterns, rebuilt from the symbol's geometry for reading it back. */
function functionMap(qr: QrCode): boolean[][] {
  const { size, version } = qr;
  const map = Array.from({ length: size }, () => new Array<boolean>(size).fill(false));
  const mark = (x: number, y: number) => {
    if (x >= 0 && y >= 0 && x < size && y < size) (map[y] as boolean[])[x] = true;
  };
  for (let i = 0; i < size; i += 1) {
    mark(6, i);
    mark(i, 6);
  }
  for (const [cx, cy] of [[3, 3], [size - 4, 3], [3, size - 4]] as const) {
    for (let dy = -4; dy <= 4; dy += 1) for (let dx = -4; dx <= 4; dx += 1) mark(cx + dx, cy + dy);
  }
  const centres = version === 1 ? [] : alignmentCentres(version);
  const last = centres.length - 1;
  centres.forEach((cy, i) =>
    centres.forEach((cx, j) => {
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy += 1) for (let dx = -2; dx <= 2; dx += 1) mark(cx + dx, cy + dy);
    }),
  );
  const { first, second } = formatBitPositions(size);
  for (const [x, y] of [...first, ...second]) mark(x, y);
  mark(8, size - 8);
  if (version >= 7) {
    for (let i = 0; i < 18; i += 1) {
      mark(size - 11 + (i % 3), Math.floor(i / 3));
      mark(Math.floor(i / 3), size - 11 + (i % 3));
    }
  }
  return map;
}

function alignmentCentres(version: number): number[] {
  return [[], [6, 18], [6, 22], [6, 26], [6, 30], [6, 34], [6, 22, 38], [6, 24, 42], [6, 26, 46], [6, 28, 50]][version - 1] as number[];
}

/** Reads the byte-mode payload back out of a symbol: unmask, de-interleave, check every block's EC. */
function readBack(qr: QrCode): string {
  const map = functionMap(qr);
  const bits = dataModuleOrder(map).map(([x, y]) => ((qr.modules[y] as boolean[])[x] as boolean) !== maskBit(qr.mask, x, y));
  const codewords: number[] = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | (bit ? 1 : 0), 0));
  const { dataSizes, ecPerBlock } = blockLayout(qr.version);
  const blocks = dataSizes.map(() => ({ data: [] as number[], ec: [] as number[] }));
  let index = 0;
  for (let i = 0; i < Math.max(...dataSizes); i += 1) {
    dataSizes.forEach((size, b) => {
      if (i < size) (blocks[b] as { data: number[] }).data.push(codewords[index++] as number);
    });
  }
  for (let i = 0; i < ecPerBlock; i += 1) for (const block of blocks) block.ec.push(codewords[index++] as number);
  for (const block of blocks) assert.deepEqual(reedSolomonRemainder(block.data, ecPerBlock), block.ec, 'every block carries its own Reed–Solomon codewords');
  const data = blocks.flatMap((block) => block.data);
  const stream = data.flatMap((byte) => [7, 6, 5, 4, 3, 2, 1, 0].map((shift) => (byte >>> shift) & 1));
  const read = (from: number, length: number) => stream.slice(from, from + length).reduce((acc, bit) => (acc << 1) | bit, 0);
  assert.equal(read(0, 4), 0b0100, 'byte mode indicator');
  const countBits = qr.version < 10 ? 8 : 16;
  const length = read(4, countBits);
  const bytes = Array.from({ length }, (_, i) => read(4 + countBits + i * 8, 8));
  return Buffer.from(bytes).toString('utf8');
}

describe('QR encoder', () => {
  test('Reed–Solomon codewords match the worked "HELLO WORLD" 1-M example', () => {
    const data = [32, 91, 11, 120, 209, 114, 220, 77, 67, 64, 236, 17, 236, 17, 236, 17];
    assert.deepEqual(addErrorCorrection(data, 1).slice(16), [196, 35, 39, 119, 235, 215, 231, 226, 93, 23]);
  });

  test('format and version bits match the published tables', () => {
    assert.equal(formatBits(0), 0b101010000010010);
    assert.equal(formatBits(5), 0b100000011001110);
    assert.equal(versionBits(7), 0b000111110010010100);
    assert.equal(versionBits(10), 0b001010010011010011);
  });

  for (const text of ['LV-42', 'https://pay.kaspi.kz/pay/lavka?amount=12990&ref=LV00042-7', 'Ж'.repeat(60), 'x'.repeat(213)]) {
    test(`a ${Buffer.byteLength(text)}-byte payload gets the right size, finder patterns and readable data`, () => {
      const qr = encodeQr(text);
      assert.ok(byteCapacity(qr.version) >= Buffer.byteLength(text));
      assert.ok(qr.version === 1 || byteCapacity(qr.version - 1) < Buffer.byteLength(text), 'the smallest version that fits');
      assert.equal(qr.size, qr.version * 4 + 17);
      assert.equal(qr.modules.length, qr.size);
      for (const [ox, oy] of [[0, 0], [qr.size - 7, 0], [0, qr.size - 7]] as const) {
        for (let y = 0; y < 7; y += 1) {
          for (let x = 0; x < 7; x += 1) {
            const ring = Math.max(Math.abs(x - 3), Math.abs(y - 3));
            assert.equal((qr.modules[oy + y] as boolean[])[ox + x], ring !== 2, `finder module (${ox + x}, ${oy + y})`);
          }
        }
      }
      for (let i = 8; i < qr.size - 8; i += 1) assert.equal((qr.modules[6] as boolean[])[i], i % 2 === 0, 'timing pattern');
      const { first, second } = formatBitPositions(qr.size);
      const readBits = (positions: [number, number][]) => positions.reduce((acc, [x, y], i) => acc | (((qr.modules[y] as boolean[])[x] ? 1 : 0) << i), 0);
      assert.equal(readBits(first), formatBits(qr.mask), 'first copy of the format bits');
      assert.equal(readBits(second), formatBits(qr.mask), 'second copy of the format bits');
      assert.equal((qr.modules[qr.size - 8] as boolean[])[8], true, 'the dark module');
      assert.equal(readBack(qr), text);
    });
  }

  test('a payload longer than version 10 holds is refused with a clear code', () => {
    assert.throws(() => encodeQr('x'.repeat(214)), /qr\.too_long/);
  });

  test('the PNG is a valid greyscale image with a four-module quiet zone', () => {
    const qr = encodeQr('LV-42', { mask: 3 });
    const png = qrToPng(qr, 4);
    assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
    assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
    const sizePx = (qr.size + 8) * 4;
    assert.equal(png.readUInt32BE(16), sizePx);
    assert.equal(png.readUInt32BE(20), sizePx);
    const idatLength = png.readUInt32BE(33);
    assert.equal(png.subarray(37, 41).toString('ascii'), 'IDAT');
    const raw = inflateSync(png.subarray(41, 41 + idatLength));
    assert.equal(raw.length, (sizePx + 1) * sizePx);
    const pixel = (x: number, y: number) => raw[y * (sizePx + 1) + 1 + x];
    assert.equal(pixel(0, 0), 0xff, 'quiet zone is white');
    assert.equal(pixel(16, 16), 0x00, 'the top-left finder starts after 4 modules');
  });
});

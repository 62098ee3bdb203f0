import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { readPngChunks } from '../../test/support/png.ts';
import { encodePng } from './png.ts';

describe('the PNG encoder', () => {
  test('RGB pixels inflate back to what was drawn, behind a valid header', () => {
    const pixels = new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const chunks = readPngChunks(encodePng(2, 2, pixels));
    assert.deepEqual(chunks.map((chunk) => chunk.type), ['IHDR', 'IDAT', 'IEND']);
    const header = chunks[0]?.data as Buffer;
    assert.equal(header.readUInt32BE(0), 2);
    assert.equal(header.readUInt32BE(4), 2);
    assert.equal(header[8], 8);
    assert.equal(header[9], 2);
    assert.deepEqual([...inflateSync(chunks[1]?.data as Buffer)], [0, 255, 0, 0, 0, 255, 0, 0, 0, 0, 255, 10, 20, 30]);
  });

  test('greyscale pixels are written with the greyscale colour type', () => {
    const chunks = readPngChunks(encodePng(3, 1, new Uint8Array([0, 128, 255]), 1));
    assert.equal(chunks[0]?.data[9], 0);
    assert.deepEqual([...inflateSync(chunks[1]?.data as Buffer)], [0, 0, 128, 255]);
  });

  test('a pixel buffer of the wrong size is refused', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(5)), /png.pixel_count_mismatch/);
    assert.throws(() => encodePng(2, 2, new Uint8Array(12), 1), /png.pixel_count_mismatch/);
  });
});

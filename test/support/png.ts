import assert from 'node:assert/strict';
import { crc32 } from 'node:zlib';
import { PNG_SIGNATURE } from '../../src/media/png.ts';

/** Splits a PNG into its chunks, checking the signature and each chunk's CRC. */
export function readPngChunks(png: Buffer): { type: string; data: Buffer }[] {
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('ascii', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    assert.equal(crc, crc32(png.subarray(offset + 4, offset + 8 + length)) >>> 0, `CRC of ${type}`);
    chunks.push({ type, data });
    offset += 12 + length;
  }
  return chunks;
}

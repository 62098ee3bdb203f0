import { crc32, deflateSync } from 'node:zlib';

/** The eight bytes every PNG file starts with. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Bytes per pixel Lavka draws in: 1 = greyscale (QR codes), 3 = RGB (tiles, previews). */
export type PngChannels = 1 | 3;

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)) >>> 0, 8 + data.length);
  return out;
}

/**
 * Encodes 8-bit pixels (row by row, `channels` bytes per pixel) as a PNG with `node:zlib`
 * only: generated images (product tiles, model previews, QR codes) need no image library.
 * Filter 0 on every row is the simplest valid choice; flat, generated pictures compress well
 * without the adaptive filters a general encoder would try.
 */
export function encodePng(widthPx: number, heightPx: number, pixels: Uint8Array, channels: PngChannels = 3): Buffer {
  if (pixels.length !== widthPx * heightPx * channels) throw new RangeError('png.pixel_count_mismatch');
  const stride = widthPx * channels;
  const raw = Buffer.alloc((stride + 1) * heightPx);
  for (let y = 0; y < heightPx; y += 1) {
    raw[y * (stride + 1)] = 0;
    raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(widthPx, 0);
  header.writeUInt32BE(heightPx, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 3 ? 2 : 0; // colour type: truecolour or greyscale
  header[10] = 0; // deflate
  header[11] = 0; // adaptive filtering
  header[12] = 0; // no interlace
  return Buffer.concat([PNG_SIGNATURE, chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 9 })), chunk('IEND', new Uint8Array(0))]);
}

// Shrinking catalogue photos for screens: owners upload phone photos of several megabytes,
// and a storefront grid needs a few hundred pixels. Pure JavaScript decoders (fast-png,
// jpeg-js), so nothing is compiled at install time.

import { createRequire } from 'node:module';
import type * as FastPng from 'fast-png';
import type { DecodedPng } from 'fast-png';
import type jpegJs from 'jpeg-js';

/**
 * The decoders are loaded with the first photo resized, synchronously as resizing is: together
 * they cost a start of Lavka tens of milliseconds and about 15 MB that only the Mini App's
 * photos need.
 */
const requireCodec = createRequire(import.meta.url);
let codecs: { png: typeof FastPng; jpeg: typeof jpegJs } | undefined;
const loadCodecs = () => (codecs ??= { png: requireCodec('fast-png') as typeof FastPng, jpeg: requireCodec('jpeg-js') as typeof jpegJs });

/** A photo ready to send. */
export interface EncodedImage {
  bytes: Buffer;
  mimeType: string;
}

/** The largest photo decoded (megapixels): more is refused rather than risk the server's memory. */
const MAX_MEGAPIXELS = 40;
/** JPEG quality of resized photos: no visible loss at phone sizes, a fraction of the bytes. */
const JPEG_QUALITY = 82;

/** Decodes a PNG or JPEG to 8-bit RGBA; undefined for other types or broken files. */
function decodeRgba(bytes: Uint8Array, mimeType: string): { width: number; height: number; rgba: Uint8Array } | undefined {
  const { png, jpeg } = loadCodecs();
  try {
    if (mimeType === 'image/jpeg') {
      const image = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 512 });
      return { width: image.width, height: image.height, rgba: image.data };
    }
    if (mimeType === 'image/png') return pngToRgba(png.decode(bytes), png.convertIndexedToRgb);
  } catch {
    return undefined;
  }
  return undefined;
}

function pngToRgba(png: DecodedPng, convertIndexedToRgb: typeof FastPng.convertIndexedToRgb): { width: number; height: number; rgba: Uint8Array } | undefined {
  if (png.width * png.height > MAX_MEGAPIXELS * 1_000_000) return undefined;
  const source = png.palette ? convertIndexedToRgb(png) : png.data;
  const channels = png.palette ? (png.palette[0]?.length ?? 3) : png.channels;
  const shift = !png.palette && png.depth === 16 ? 8 : 0;
  const pixels = png.width * png.height;
  const rgba = new Uint8Array(pixels * 4);
  for (let i = 0; i < pixels; i += 1) {
    const at = i * channels;
    const value = (offset: number) => Number(source[at + offset] ?? 0) >> shift;
    const grey = channels <= 2;
    rgba[i * 4] = value(0);
    rgba[i * 4 + 1] = grey ? value(0) : value(1);
    rgba[i * 4 + 2] = grey ? value(0) : value(2);
    rgba[i * 4 + 3] = channels === 2 ? value(1) : channels === 4 ? value(3) : 255;
  }
  return { width: png.width, height: png.height, rgba };
}

/**
 * The photo at most `maxWidthPx` wide, as a JPEG (transparent parts on white), averaging the
 * source pixels under each target pixel so that thin lines do not shimmer. A photo already
 * small enough, or one that cannot be decoded, is returned as it is.
 */
export function resizeImage(bytes: Uint8Array, mimeType: string, maxWidthPx: number): EncodedImage {
  const original = { bytes: Buffer.from(bytes), mimeType };
  const decoded = decodeRgba(bytes, mimeType);
  if (!decoded || decoded.width <= maxWidthPx) return original;
  const { width, height, rgba } = decoded;
  const targetWidth = maxWidthPx;
  const targetHeight = Math.max(1, Math.round((height * targetWidth) / width));
  const out = new Uint8Array(targetWidth * targetHeight * 4);
  const xRatio = width / targetWidth;
  const yRatio = height / targetHeight;
  for (let ty = 0; ty < targetHeight; ty += 1) {
    const y0 = Math.floor(ty * yRatio);
    const y1 = Math.max(y0 + 1, Math.floor((ty + 1) * yRatio));
    for (let tx = 0; tx < targetWidth; tx += 1) {
      const x0 = Math.floor(tx * xRatio);
      const x1 = Math.max(x0 + 1, Math.floor((tx + 1) * xRatio));
      let r = 0;
      let g = 0;
      let b = 0;
      let count = 0;
      for (let y = y0; y < y1; y += 1) {
        for (let x = x0; x < x1; x += 1) {
          const at = (y * width + x) * 4;
          const alpha = (rgba[at + 3] as number) / 255;
          // Transparent parts become white, as the photo would look on a light card.
          r += (rgba[at] as number) * alpha + 255 * (1 - alpha);
          g += (rgba[at + 1] as number) * alpha + 255 * (1 - alpha);
          b += (rgba[at + 2] as number) * alpha + 255 * (1 - alpha);
          count += 1;
        }
      }
      const to = (ty * targetWidth + tx) * 4;
      out[to] = Math.round(r / count);
      out[to + 1] = Math.round(g / count);
      out[to + 2] = Math.round(b / count);
      out[to + 3] = 255;
    }
  }
  const encoded = loadCodecs().jpeg.encode({ width: targetWidth, height: targetHeight, data: out }, JPEG_QUALITY);
  return { bytes: encoded.data, mimeType: 'image/jpeg' };
}

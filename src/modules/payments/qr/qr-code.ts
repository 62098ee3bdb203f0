import qrcodeGenerator from 'qrcode-generator';

/**
 * Payment QR codes are made by `qrcode-generator` (ISO/IEC 18004: Reed–Solomon, masks, format
 * and version information); Lavka only chooses what phone cameras need and draws the PNG
 * itself (`qr-png.ts`).
 */

/** A finished symbol: `modules[y][x]` is true for a dark module. */
export interface QrCode {
  version: number;
  size: number;
  modules: boolean[][];
}

/**
 * Highest version Lavka sends (57×57 modules, 213 bytes at level M). Payment links are far
 * shorter; a bigger symbol in a recompressed Telegram photo gets hard for a phone to read.
 */
const MAX_QR_VERSION = 10;

/**
 * Error correction level M restores 15% of the symbol: enough for a photo of a screen, while
 * keeping the modules large. Q and H would make the same link a bigger, denser symbol.
 */
const QR_ERROR_CORRECTION = 'M';

/** Encodes `text` (UTF-8, byte mode) into the smallest version that fits; throws `qr.too_long` beyond version 10. */
export function encodeQr(text: string): QrCode {
  const bytes = Buffer.from(text, 'utf8');
  const qr = qrcodeGenerator(0, QR_ERROR_CORRECTION);
  // The library turns a string into bytes one UTF-16 unit at a time (the low byte only), so it
  // is handed the UTF-8 bytes as one character each instead of replacing its global converter.
  qr.addData(bytes.toString('latin1'), 'Byte');
  const tooLong = () => new RangeError(`qr.too_long: ${bytes.length} bytes do not fit a version ${MAX_QR_VERSION} symbol`);
  try {
    qr.make();
  } catch (error) {
    // Past version 40 the library throws a bare string ("code length overflow"), not an Error.
    if (typeof error === 'string') throw tooLong();
    throw error;
  }
  const size = qr.getModuleCount();
  const version = (size - 17) / 4;
  if (version > MAX_QR_VERSION) throw tooLong();
  const modules = Array.from({ length: size }, (_, y) => Array.from({ length: size }, (_, x) => qr.isDark(y, x)));
  return { version, size, modules };
}

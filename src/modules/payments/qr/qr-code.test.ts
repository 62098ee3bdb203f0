import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import jsqr from 'jsqr';
import { createQrProvider, qrReference } from '../providers/qr.provider.ts';
import { encodeQr } from './qr-code.ts';
import { qrToPng } from './qr-png.ts';

// jsqr is a CommonJS package whose function is its `default` export.
const jsQR = jsqr.default;

/** A decoded greyscale picture: `grey(x, y)` is 0 (black) … 255 (white). */
interface Picture {
  widthPx: number;
  heightPx: number;
  channels: number;
  grey: (x: number, y: number) => number;
}

/** Reads a PNG back with a PNG decoder, as any image viewer would. */
function readPicture(png: Buffer): Picture {
  const image = decodePng(png);
  const data = image.data as Uint8Array;
  return { widthPx: image.width, heightPx: image.height, channels: image.channels, grey: (x, y) => data[(y * image.width + x) * image.channels] as number };
}

/** Scans a PNG with a QR reader the way a phone's camera app does, from its pixels alone. */
function scan(png: Buffer): ReturnType<typeof jsQR> {
  const picture = readPicture(png);
  const rgba = new Uint8ClampedArray(picture.widthPx * picture.heightPx * 4);
  for (let y = 0; y < picture.heightPx; y += 1) {
    for (let x = 0; x < picture.widthPx; x += 1) {
      const offset = (y * picture.widthPx + x) * 4;
      rgba.fill(picture.grey(x, y), offset, offset + 3);
      rgba[offset + 3] = 0xff;
    }
  }
  return jsQR(rgba, picture.widthPx, picture.heightPx);
}

/** Bytes each version 1–10 holds in byte mode at level M (ISO/IEC 18004, table 7). */
const BYTE_CAPACITY_M = [14, 26, 42, 62, 84, 106, 122, 152, 180, 213];

/**
 * Reads both copies of the symbol's 15 format bits from the picture's pixels and returns the
 * error correction level they name (ISO/IEC 18004 §7.9: the top two bits after unmasking with 0x5412).
 */
function errorCorrectionLevel(picture: Picture, sizeModules: number, moduleSizePx: number, quietZoneModules: number): string[] {
  const dark = (x: number, y: number) => picture.grey(Math.floor((quietZoneModules + x + 0.5) * moduleSizePx), Math.floor((quietZoneModules + y + 0.5) * moduleSizePx)) < 0x80;
  const first: [number, number][] = [];
  for (let i = 0; i <= 5; i += 1) first.push([8, i]);
  first.push([8, 7], [8, 8], [7, 8]);
  for (let i = 9; i < 15; i += 1) first.push([14 - i, 8]);
  const second: [number, number][] = [];
  for (let i = 0; i < 8; i += 1) second.push([sizeModules - 1 - i, 8]);
  for (let i = 8; i < 15; i += 1) second.push([8, sizeModules - 15 + i]);
  const levels = ['M', 'L', 'H', 'Q'];
  return [first, second].map((positions) => {
    const word = positions.reduce((acc, [x, y], bit) => acc | ((dark(x, y) ? 1 : 0) << bit), 0) ^ 0x5412;
    return levels[(word >>> 13) & 0b11] as string;
  });
}

const kaspiPayload = `https://pay.kaspi.kz/pay/lavka?amount=12990&ref=${qrReference(42)}`;
const payloads = [
  'LV-42',
  kaspiPayload,
  'Оплата заказа №42 — Қазақстан, төлем ұсынысы ✅',
  'Ж'.repeat(60),
  `https://shop.example.kz/pay/checkout?order=LV-000420-7&amount=12990.50&currency=KZT&return=${'https%3A%2F%2Ft.me%2Flavka_bot%3Fstart%3Dpaid'.repeat(2)}`,
  'x'.repeat(213),
];

describe('QR codes', () => {
  for (const text of payloads) {
    test(`a ${Buffer.byteLength(text)}-byte payload is scanned back exactly, from the smallest symbol that holds it`, () => {
      const bytes = Buffer.from(text, 'utf8');
      const qr = encodeQr(text);
      assert.equal(qr.size, qr.version * 4 + 17);
      assert.equal(qr.modules.length, qr.size);
      const capacity = BYTE_CAPACITY_M[qr.version - 1] as number;
      assert.ok(capacity >= bytes.length, 'the symbol holds the payload');
      assert.ok(qr.version === 1 || (BYTE_CAPACITY_M[qr.version - 2] as number) < bytes.length, 'no smaller version would hold it');

      const scanned = scan(qrToPng(qr));
      assert.ok(scanned, 'a QR reader finds the code');
      assert.equal(scanned.version, qr.version);
      assert.deepEqual(scanned.binaryData, [...bytes], 'the same UTF-8 bytes');
      assert.equal(scanned.data, text);
    });
  }

  test('the symbol uses error correction level M and a four-module white quiet zone, with modules 8 pixels wide', () => {
    const qr = encodeQr(kaspiPayload);
    const moduleSizePx = 8;
    const png = qrToPng(qr);
    const picture = readPicture(png);
    const sizePx = (qr.size + 8) * moduleSizePx;
    assert.deepEqual([picture.widthPx, picture.heightPx], [sizePx, sizePx]);
    assert.deepEqual(errorCorrectionLevel(picture, qr.size, moduleSizePx, 4), ['M', 'M'], 'both copies of the format information say M');
    const quietZonePx = 4 * moduleSizePx;
    for (let y = 0; y < sizePx; y += 1) {
      for (let x = 0; x < sizePx; x += 1) {
        const inQuietZone = x < quietZonePx || y < quietZonePx || x >= sizePx - quietZonePx || y >= sizePx - quietZonePx;
        if (inQuietZone) assert.equal(picture.grey(x, y), 0xff, `quiet zone pixel (${x}, ${y}) is white`);
      }
    }
    assert.equal(picture.grey(quietZonePx, quietZonePx), 0x00, 'the top-left finder pattern starts right after the quiet zone');
    const finder = scan(png)?.location.topLeftFinderPattern;
    assert.ok(finder, 'a QR reader finds the top-left finder pattern');
    // The finder's centre is 3.5 modules into the symbol.
    assert.ok(Math.abs(finder.x - (quietZonePx + 3.5 * moduleSizePx)) < moduleSizePx / 2 && Math.abs(finder.y - (quietZonePx + 3.5 * moduleSizePx)) < moduleSizePx / 2);
  });

  test('a payload longer than version 10 holds is refused with a clear code', () => {
    assert.throws(() => encodeQr('x'.repeat(214)), /qr\.too_long/);
    assert.throws(() => encodeQr('x'.repeat(3000)), (error: unknown) => error instanceof RangeError && /qr\.too_long/.test(error.message), 'past what any QR version holds, still a RangeError with the code');
  });

  test('the PNG is a valid 8-bit greyscale image with a four-module quiet zone', () => {
    const qr = encodeQr('LV-42');
    const picture = readPicture(qrToPng(qr, 4));
    const sizePx = (qr.size + 8) * 4;
    assert.deepEqual([picture.widthPx, picture.heightPx, picture.channels], [sizePx, sizePx, 1]);
    assert.equal(picture.grey(0, 0), 0xff, 'quiet zone is white');
    assert.equal(picture.grey(16, 16), 0x00, 'the top-left finder starts after 4 modules');
    assert.equal(scan(qrToPng(qr, 4))?.data, 'LV-42', 'small modules still scan');
  });

  test('the QR image a customer is sent scans to the Kaspi payment link with the amount and reference', async () => {
    const provider = createQrProvider({
      settings: () => ({ enabled: true, payloadTemplate: 'https://pay.kaspi.kz/pay/lavka?amount={amount}&ref={reference}', receiver: 'Lavka LLP, Kaspi' }),
      webhookSecret: undefined,
    });
    const created = await provider.create({ paymentId: 4217, userId: 1, amountMinor: 1299050, currency: 'KZT', title: 'Order', description: 'Order #42', locale: 'kk' });
    assert.equal(created.start.type, 'qr');
    if (created.start.type !== 'qr') return;
    assert.equal(scan(created.start.png)?.data, `https://pay.kaspi.kz/pay/lavka?amount=12990.50&ref=${qrReference(4217)}`);
  });
});

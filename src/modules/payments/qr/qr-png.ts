import { encodePng } from '../../../media/png.ts';
import type { QrCode } from './qr-code.ts';

/**
 * Renders a QR symbol as an 8-bit greyscale PNG with the four-module quiet zone the standard
 * requires; `moduleSizePx` pixels per module keeps it sharp when Telegram recompresses it.
 */
export function qrToPng(qr: QrCode, moduleSizePx = 8, quietZoneModules = 4): Buffer {
  const sizePx = (qr.size + quietZoneModules * 2) * moduleSizePx;
  const pixels = new Uint8Array(sizePx * sizePx).fill(0xff);
  for (let y = 0; y < sizePx; y += 1) {
    const moduleY = Math.floor(y / moduleSizePx) - quietZoneModules;
    if (moduleY < 0 || moduleY >= qr.size) continue;
    const row = qr.modules[moduleY] as boolean[];
    for (let moduleX = 0; moduleX < qr.size; moduleX += 1) {
      if (!row[moduleX]) continue;
      const start = y * sizePx + (moduleX + quietZoneModules) * moduleSizePx;
      pixels.fill(0x00, start, start + moduleSizePx);
    }
  }
  return encodePng(sizePx, sizePx, pixels, 1);
}

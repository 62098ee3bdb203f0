import { encodePng } from '../../media/png.ts';

/** An RGB colour, 0–255 per channel. */
export type Rgb = readonly [number, number, number];

/** Shapes a generated product tile can show. */
export const TILE_SHAPES = ['circle', 'square', 'triangle', 'diamond', 'ring', 'stripes'] as const;
/** One of {@link TILE_SHAPES}. */
export type TileShape = (typeof TILE_SHAPES)[number];

/** Parses `#rrggbb`. */
export function parseHexColour(hex: string): Rgb {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new RangeError(`png.invalid_colour: ${hex}`);
  return [parseInt(match[1] as string, 16), parseInt(match[2] as string, 16), parseInt(match[3] as string, 16)];
}

function mix(colour: Rgb, towards: Rgb, amount: number): Rgb {
  return [0, 1, 2].map((i) => Math.round((colour[i] as number) * (1 - amount) + (towards[i] as number) * amount)) as unknown as Rgb;
}

/** Whether the point (x, y) in [-1, 1]² lies inside the shape. */
function inside(shape: TileShape, x: number, y: number): boolean {
  switch (shape) {
    case 'circle':
      return x * x + y * y <= 0.36;
    case 'ring': {
      const r2 = x * x + y * y;
      return r2 <= 0.42 && r2 >= 0.18;
    }
    case 'square':
      return Math.abs(x) <= 0.5 && Math.abs(y) <= 0.5;
    case 'diamond':
      return Math.abs(x) + Math.abs(y) <= 0.65;
    case 'triangle':
      return y <= 0.5 && y >= -0.6 && Math.abs(x) <= (y + 0.6) * 0.55;
    case 'stripes':
      return Math.abs(x) <= 0.6 && Math.abs(y) <= 0.6 && Math.floor((x + y + 2) * 4) % 2 === 0;
  }
}

/**
 * Draws a product tile: a softly shaded background in `colour` with a light shape in the
 * middle, so demo products look distinct without shipping image files.
 */
export function renderTilePng(options: { colour: string; shape: TileShape; sizePx?: number }): Buffer {
  const size = options.sizePx ?? 320;
  const base = parseHexColour(options.colour);
  const light = mix(base, [255, 255, 255], 0.82);
  const pixels = new Uint8Array(size * size * 3);
  for (let py = 0; py < size; py += 1) {
    const y = (py / (size - 1)) * 2 - 1;
    // A vertical gradient gives the flat tile a little depth.
    const background = mix(base, [0, 0, 0], 0.18 * ((y + 1) / 2));
    for (let px = 0; px < size; px += 1) {
      const x = (px / (size - 1)) * 2 - 1;
      const colour = inside(options.shape, x, y) ? light : background;
      const offset = (py * size + px) * 3;
      pixels[offset] = colour[0];
      pixels[offset + 1] = colour[1];
      pixels[offset + 2] = colour[2];
    }
  }
  return encodePng(size, size, pixels);
}

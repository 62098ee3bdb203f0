import type { TriangleMesh } from './mesh.ts';
import { encodePng } from '../../../media/png.ts';

/** How a thumbnail is drawn. */
export interface RenderOptions {
  widthPx?: number;
  heightPx?: number;
  /** The model's colour, `#rrggbb` (the chosen filament or resin); a neutral grey when absent. */
  colourHex?: string;
  backgroundHex?: string;
  /** Samples per pixel along each axis, averaged down: 2 smooths the edges at 4× the work. */
  supersample?: number;
}

/** Pixels of a thumbnail when the caller does not say. */
export const DEFAULT_THUMBNAIL_PX = 320;
const DEFAULT_COLOUR = '#9aa5b1';
const DEFAULT_BACKGROUND = '#f4f5f7';
const DARK_BACKGROUND = '#39424e';
/** Share of light a face gets whatever its angle, so faces turned away are not black. */
const AMBIENT = 0.28;
/** Triangle rows the rasteriser walks before it switches to a coarser grid (see below). */
const ROW_BUDGET = 12_000_000;
/** Brightness a fully lit face gains whatever its colour (0–255). */
const SHEEN = 70;

function parseHex(hex: string): [number, number, number] {
  const match = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex.trim());
  if (!match) return [154, 165, 177];
  return [Number.parseInt(match[1] as string, 16), Number.parseInt(match[2] as string, 16), Number.parseInt(match[3] as string, 16)];
}

type Vector = [number, number, number];
const normalise = (v: Vector): Vector => {
  const length = Math.hypot(v[0], v[1], v[2]) || 1;
  return [v[0] / length, v[1] / length, v[2] / length];
};
const cross = (a: Vector, b: Vector): Vector => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];

/**
 * Renders a preview of the model as a PNG: orthographic isometric-style view from the
 * front-right and above (z is up, as in slicers), flat shading with one directional light,
 * a z-buffer for hidden surfaces, and supersampling for smooth edges. A software rasteriser,
 * so it needs no GPU and no native module.
 */
export function renderThumbnail(mesh: TriangleMesh, options: RenderOptions = {}): Buffer {
  const widthPx = options.widthPx ?? DEFAULT_THUMBNAIL_PX;
  const heightPx = options.heightPx ?? DEFAULT_THUMBNAIL_PX;
  const factor = Math.max(1, Math.min(4, Math.floor(options.supersample ?? 2)));
  const width = widthPx * factor;
  const height = heightPx * factor;
  const base = parseHex(options.colourHex ?? DEFAULT_COLOUR);
  // A white part on a white page would vanish: light models get a dark backdrop.
  const luminance = (0.2126 * base[0] + 0.7152 * base[1] + 0.0722 * base[2]) / 255;
  const background = parseHex(options.backgroundHex ?? (luminance > 0.75 ? DARK_BACKGROUND : DEFAULT_BACKGROUND));

  // Camera on the (+x, −y, +z) diagonal looking at the model; screen axes from it.
  const toCamera = normalise([1, -1, 0.82]);
  const right = normalise(cross([0, 0, 1], toCamera));
  const up = normalise(cross(toCamera, right));
  const light = normalise([0.35 * right[0] + 0.8 * up[0] + toCamera[0], 0.35 * right[1] + 0.8 * up[1] + toCamera[1], 0.35 * right[2] + 0.8 * up[2] + toCamera[2]]);

  const { positions, triangleCount } = mesh;
  const cornerCount = triangleCount * 3;
  const screenX = new Float32Array(cornerCount);
  const screenY = new Float32Array(cornerCount);
  const depth = new Float32Array(cornerCount);
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let corner = 0; corner < cornerCount; corner += 1) {
    const x = positions[corner * 3] as number;
    const y = positions[corner * 3 + 1] as number;
    const z = positions[corner * 3 + 2] as number;
    const sx = x * right[0] + y * right[1] + z * right[2];
    const sy = x * up[0] + y * up[1] + z * up[2];
    screenX[corner] = sx;
    screenY[corner] = sy;
    depth[corner] = x * toCamera[0] + y * toCamera[1] + z * toCamera[2];
    if (sx < minX) minX = sx;
    if (sx > maxX) maxX = sx;
    if (sy < minY) minY = sy;
    if (sy > maxY) maxY = sy;
  }
  const margin = 0.08;
  const scale = Math.min((width * (1 - 2 * margin)) / Math.max(maxX - minX, 1e-9), (height * (1 - 2 * margin)) / Math.max(maxY - minY, 1e-9));
  const offsetX = width / 2 - ((minX + maxX) / 2) * scale;
  const offsetY = height / 2 + ((minY + maxY) / 2) * scale;
  for (let corner = 0; corner < cornerCount; corner += 1) {
    screenX[corner] = (screenX[corner] as number) * scale + offsetX;
    screenY[corner] = offsetY - (screenY[corner] as number) * scale;
  }

  const zBuffer = new Float32Array(width * height).fill(-Infinity);
  const shade = new Uint8Array(width * height * 3);
  for (let pixel = 0; pixel < width * height; pixel += 1) shade.set(background, pixel * 3);

  // The rasteriser walks every row a triangle spans. Long slivers (a fan of 400 000 triangles
  // from one centre) would make that minutes of work, so rows are budgeted: past the budget
  // the picture is drawn at a coarser scale. Real meshes of small triangles never get there.
  let rows = 0;
  for (let triangle = 0; triangle < triangleCount; triangle += 1) {
    const a = triangle * 3;
    const top = Math.min(screenY[a] as number, screenY[a + 1] as number, screenY[a + 2] as number);
    const bottom = Math.max(screenY[a] as number, screenY[a + 1] as number, screenY[a + 2] as number);
    rows += bottom - top + 1;
  }
  const coarse = rows > ROW_BUDGET ? Math.min(16, Math.ceil(rows / ROW_BUDGET)) : 1;

  for (let triangle = 0; triangle < triangleCount; triangle += 1) {
    const a = triangle * 3, b = a + 1, c = a + 2;
    const ax = screenX[a] as number, ay = screenY[a] as number;
    const bx = screenX[b] as number, by = screenY[b] as number;
    const cx = screenX[c] as number, cy = screenY[c] as number;
    const area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
    if (Math.abs(area) < 1e-12) continue;

    const offset = triangle * 9;
    const ux = (positions[offset + 3] as number) - (positions[offset] as number);
    const uy = (positions[offset + 4] as number) - (positions[offset + 1] as number);
    const uz = (positions[offset + 5] as number) - (positions[offset + 2] as number);
    const vx = (positions[offset + 6] as number) - (positions[offset] as number);
    const vy = (positions[offset + 7] as number) - (positions[offset + 1] as number);
    const vz = (positions[offset + 8] as number) - (positions[offset + 2] as number);
    let normal = normalise([uy * vz - uz * vy, uz * vx - ux * vz, ux * vy - uy * vx]);
    // Light the side facing the camera, so models with flipped faces still look solid.
    if (normal[0] * toCamera[0] + normal[1] * toCamera[1] + normal[2] * toCamera[2] < 0) normal = [-normal[0], -normal[1], -normal[2]];
    const diffuse = Math.max(0, normal[0] * light[0] + normal[1] * light[1] + normal[2] * light[2]);
    const intensity = AMBIENT + (1 - AMBIENT) * diffuse;
    // A grey sheen on lit faces, so black and other dark materials still show their facets.
    const sheen = SHEEN * diffuse * diffuse;
    const red = Math.min(255, Math.round(base[0] * intensity + sheen));
    const green = Math.min(255, Math.round(base[1] * intensity + sheen));
    const blue = Math.min(255, Math.round(base[2] * intensity + sheen));

    // Depth as a plane over the screen: z = dzdx·x + dzdy·y + z0.
    const da = depth[a] as number, db = depth[b] as number, dc = depth[c] as number;
    const dzdx = ((db - da) * (cy - ay) - (dc - da) * (by - ay)) / area;
    const dzdy = ((dc - da) * (bx - ax) - (db - da) * (cx - ax)) / area;
    const z0 = da - dzdx * ax - dzdy * ay;

    const firstRow = Math.max(0, Math.ceil(Math.min(ay, by, cy) - 0.5));
    const lastRow = Math.min(height - 1, Math.floor(Math.max(ay, by, cy) - 0.5));
    for (let py = firstRow - (firstRow % coarse); py <= lastRow; py += coarse) {
      const sy = py + 0.5;
      let left = Infinity;
      let right = -Infinity;
      // Where the row's centre line crosses each edge bounds the covered span.
      for (let edge = 0; edge < 3; edge += 1) {
        const px0 = edge === 0 ? ax : edge === 1 ? bx : cx;
        const py0 = edge === 0 ? ay : edge === 1 ? by : cy;
        const px1 = edge === 0 ? bx : edge === 1 ? cx : ax;
        const py1 = edge === 0 ? by : edge === 1 ? cy : ay;
        if ((sy < py0 && sy < py1) || (sy > py0 && sy > py1) || py0 === py1) continue;
        const x = px0 + ((sy - py0) * (px1 - px0)) / (py1 - py0);
        if (x < left) left = x;
        if (x > right) right = x;
      }
      if (left > right) continue;
      const firstColumn = Math.max(0, Math.ceil(left - 0.5));
      const lastColumn = Math.min(width - 1, Math.floor(right - 0.5));
      for (let px = firstColumn - (firstColumn % coarse); px <= lastColumn; px += coarse) {
        const z = dzdx * (px + 0.5) + dzdy * sy + z0;
        for (let dy = 0; dy < coarse && py + dy < height; dy += 1) {
          for (let dx = 0; dx < coarse && px + dx < width; dx += 1) {
            const pixel = (py + dy) * width + px + dx;
            if (z <= (zBuffer[pixel] as number)) continue;
            zBuffer[pixel] = z;
            shade[pixel * 3] = red;
            shade[pixel * 3 + 1] = green;
            shade[pixel * 3 + 2] = blue;
          }
        }
      }
    }
  }

  if (factor === 1) return encodePng(widthPx, heightPx, shade);
  const out = new Uint8Array(widthPx * heightPx * 3);
  const samples = factor * factor;
  for (let y = 0; y < heightPx; y += 1) {
    for (let x = 0; x < widthPx; x += 1) {
      let red = 0, green = 0, blue = 0;
      for (let sy = 0; sy < factor; sy += 1) {
        for (let sx = 0; sx < factor; sx += 1) {
          const pixel = ((y * factor + sy) * width + x * factor + sx) * 3;
          red += shade[pixel] as number;
          green += shade[pixel + 1] as number;
          blue += shade[pixel + 2] as number;
        }
      }
      const target = (y * widthPx + x) * 3;
      out[target] = Math.round(red / samples);
      out[target + 1] = Math.round(green / samples);
      out[target + 2] = Math.round(blue / samples);
    }
  }
  return encodePng(widthPx, heightPx, out);
}

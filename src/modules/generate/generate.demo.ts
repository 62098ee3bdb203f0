import { createHash } from 'node:crypto';
import { encodePng } from '../../media/png.ts';
import { GenerateJobFailed, type Generator } from './generate.generator.ts';

/** Settings of the demo generator (part of `settings.generate`). */
export interface DemoGeneratorSettings {
  steps: number;
  stepMs: number;
  /** A prompt containing this marker makes the demo job fail half-way (to see the refund). */
  failMarker: string;
}

/** The demo picture's side in pixels: small enough to draw at once, big enough to look at. */
export const DEMO_PICTURE_PX = 512;

type Rgb = [number, number, number];

function hslToRgb(hueDeg: number, saturation: number, lightness: number): Rgb {
  const chroma = (1 - Math.abs(2 * lightness - 1)) * saturation;
  const sector = (((hueDeg % 360) + 360) % 360) / 60;
  const second = chroma * (1 - Math.abs((sector % 2) - 1));
  const [r, g, b] =
    sector < 1 ? [chroma, second, 0] : sector < 2 ? [second, chroma, 0] : sector < 3 ? [0, chroma, second] : sector < 4 ? [0, second, chroma] : sector < 5 ? [second, 0, chroma] : [chroma, 0, second];
  const base = lightness - chroma / 2;
  return [Math.round((r + base) * 255), Math.round((g + base) * 255), Math.round((b + base) * 255)];
}

/**
 * Draws the demo picture for a prompt: a diagonal gradient and soft circles whose colours and
 * places come from the prompt's SHA-256, so the same prompt always gives the same picture and
 * different prompts visibly differ. It stands in for a real image model.
 */
export function drawPromptPicture(prompt: string, sizePx = DEMO_PICTURE_PX): Buffer {
  const hash = createHash('sha256').update(prompt.trim().toLowerCase()).digest();
  const byte = (index: number) => hash[index % hash.length] as number;
  const hueA = (byte(0) / 255) * 360;
  const hueB = hueA + 60 + (byte(1) / 255) * 120;
  const from = hslToRgb(hueA, 0.65, 0.58);
  const to = hslToRgb(hueB, 0.6, 0.3);
  const circles = Array.from({ length: 6 }, (_, index) => ({
    x: (byte(2 + index * 4) / 255) * sizePx,
    y: (byte(3 + index * 4) / 255) * sizePx,
    radius: sizePx * (0.08 + (byte(4 + index * 4) / 255) * 0.22),
    color: hslToRgb(hueA + 180 + (byte(5 + index * 4) / 255) * 90, 0.75, 0.62),
  }));
  const pixels = new Uint8Array(sizePx * sizePx * 3);
  for (let y = 0; y < sizePx; y += 1) {
    for (let x = 0; x < sizePx; x += 1) {
      const t = (x + y) / (2 * (sizePx - 1));
      let rgb: Rgb = [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t, from[2] + (to[2] - from[2]) * t];
      for (const circle of circles) {
        const distance = Math.hypot(x - circle.x, y - circle.y);
        if (distance >= circle.radius) continue;
        // Soft edges: full colour in the middle, fading out over the outer third.
        const alpha = 0.6 * Math.min(1, (circle.radius - distance) / (circle.radius / 3));
        rgb = [rgb[0] + (circle.color[0] - rgb[0]) * alpha, rgb[1] + (circle.color[1] - rgb[1]) * alpha, rgb[2] + (circle.color[2] - rgb[2]) * alpha];
      }
      const offset = (y * sizePx + x) * 3;
      pixels[offset] = Math.round(rgb[0]);
      pixels[offset + 1] = Math.round(rgb[1]);
      pixels[offset + 2] = Math.round(rgb[2]);
    }
  }
  return encodePng(sizePx, sizePx, pixels, 3);
}

/**
 * The generator the presets ship with: it "works" for `steps × stepMs`, reporting progress after
 * each step, then draws {@link drawPromptPicture}. A prompt with the fail marker fails half-way.
 */
export function createDemoGenerator(settings: DemoGeneratorSettings, sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))): Generator {
  return {
    name: 'demo',
    async run(request, onProgress) {
      for (let step = 1; step <= settings.steps; step += 1) {
        await sleep(settings.stepMs);
        if (request.signal.aborted) throw new GenerateJobFailed('stopped');
        const percent = Math.round((step / settings.steps) * 100);
        if (settings.failMarker && request.prompt.includes(settings.failMarker) && percent >= 50) throw new GenerateJobFailed('the demo job was asked to fail');
        await onProgress(percent);
      }
      const prompt = settings.failMarker ? request.prompt.replaceAll(settings.failMarker, '') : request.prompt;
      return { kind: 'image', png: drawPromptPicture(prompt), widthPx: DEMO_PICTURE_PX, heightPx: DEMO_PICTURE_PX };
    },
  };
}

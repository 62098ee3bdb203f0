/**
 * A QR Code encoder (ISO/IEC 18004) for what payment QR codes need: byte mode, error
 * correction level M, versions 1–10 (up to 213 bytes). Small enough to own, so no dependency.
 */

/** A finished symbol: `modules[y][x]` is true for a dark module. */
export interface QrCode {
  version: number;
  size: number;
  mask: number;
  modules: boolean[][];
}

/** Error correction level M per version 1–10: [data codewords per block, blocks] groups, EC codewords per block. */
const BLOCKS_M: readonly { groups: readonly (readonly [number, number])[]; ecPerBlock: number }[] = [
  { groups: [[16, 1]], ecPerBlock: 10 },
  { groups: [[28, 1]], ecPerBlock: 16 },
  { groups: [[44, 1]], ecPerBlock: 26 },
  { groups: [[32, 2]], ecPerBlock: 18 },
  { groups: [[43, 2]], ecPerBlock: 24 },
  { groups: [[27, 4]], ecPerBlock: 16 },
  { groups: [[31, 4]], ecPerBlock: 18 },
  { groups: [[38, 2], [39, 2]], ecPerBlock: 22 },
  { groups: [[36, 3], [37, 2]], ecPerBlock: 22 },
  { groups: [[43, 4], [44, 1]], ecPerBlock: 26 },
];

const ALIGNMENT_CENTRES: readonly (readonly number[])[] = [
  [],
  [6, 18],
  [6, 22],
  [6, 26],
  [6, 30],
  [6, 34],
  [6, 22, 38],
  [6, 24, 42],
  [6, 26, 46],
  [6, 28, 50],
];

/** Format bits of level M (L=01, M=00, Q=11, H=10). */
const EC_LEVEL_M_BITS = 0b00;

/** Highest version this encoder makes. */
export const MAX_QR_VERSION = 10;

/** Data codewords of a version at level M. */
export function dataCodewords(version: number): number {
  const spec = BLOCKS_M[version - 1];
  if (!spec) throw new RangeError(`qr.unsupported_version: ${version}`);
  return spec.groups.reduce((sum, [size, count]) => sum + size * count, 0);
}

/** Bytes a version holds in byte mode at level M. */
export function byteCapacity(version: number): number {
  const countBits = version < 10 ? 8 : 16;
  return Math.floor((dataCodewords(version) * 8 - 4 - countBits) / 8);
}

/** Encodes `text` (UTF-8) into the smallest version that fits; throws `qr.too_long` beyond version 10. */
export function encodeQr(text: string, options: { mask?: number } = {}): QrCode {
  const bytes = Buffer.from(text, 'utf8');
  let version = 1;
  while (version <= MAX_QR_VERSION && byteCapacity(version) < bytes.length) version += 1;
  if (version > MAX_QR_VERSION) throw new RangeError(`qr.too_long: ${bytes.length} bytes, at most ${byteCapacity(MAX_QR_VERSION)}`);
  const codewords = addErrorCorrection(encodeData(bytes, version), version);
  const size = version * 4 + 17;
  const base = newGrid(size);
  drawFunctionPatterns(base, version);
  drawCodewords(base, codewords);

  let best: { mask: number; modules: boolean[][]; penalty: number } | undefined;
  const masks = options.mask === undefined ? [0, 1, 2, 3, 4, 5, 6, 7] : [options.mask];
  for (const mask of masks) {
    const modules = base.modules.map((row) => [...row]);
    applyMask(modules, base.isFunction, mask);
    drawFormatBits(modules, size, mask);
    const penalty = masks.length === 1 ? 0 : penaltyScore(modules);
    if (!best || penalty < best.penalty) best = { mask, modules, penalty };
  }
  const chosen = best as { mask: number; modules: boolean[][] };
  return { version, size, mask: chosen.mask, modules: chosen.modules };
}

interface Grid {
  size: number;
  modules: boolean[][];
  isFunction: boolean[][];
}

function newGrid(size: number): Grid {
  return {
    size,
    modules: Array.from({ length: size }, () => new Array<boolean>(size).fill(false)),
    isFunction: Array.from({ length: size }, () => new Array<boolean>(size).fill(false)),
  };
}

function setFunction(grid: Grid, x: number, y: number, dark: boolean): void {
  (grid.modules[y] as boolean[])[x] = dark;
  (grid.isFunction[y] as boolean[])[x] = true;
}

/** Mode indicator, character count, data, terminator and pad bytes, as codewords. */
function encodeData(bytes: Buffer, version: number): number[] {
  const bits: number[] = [];
  const push = (value: number, length: number) => {
    for (let i = length - 1; i >= 0; i -= 1) bits.push((value >>> i) & 1);
  };
  push(0b0100, 4);
  push(bytes.length, version < 10 ? 8 : 16);
  for (const byte of bytes) push(byte, 8);
  const capacityBits = dataCodewords(version) * 8;
  push(0, Math.min(4, capacityBits - bits.length));
  while (bits.length % 8 !== 0) bits.push(0);
  const codewords: number[] = [];
  for (let i = 0; i < bits.length; i += 8) codewords.push(bits.slice(i, i + 8).reduce((acc, bit) => (acc << 1) | bit, 0));
  for (let pad = 0xec; codewords.length < capacityBits / 8; pad ^= 0xec ^ 0x11) codewords.push(pad);
  return codewords;
}

/** Splits data into blocks, appends Reed–Solomon codewords to each, and interleaves them. */
export function addErrorCorrection(data: readonly number[], version: number): number[] {
  const spec = BLOCKS_M[version - 1] as (typeof BLOCKS_M)[number];
  const divisor = reedSolomonDivisor(spec.ecPerBlock);
  const blocks: { data: number[]; ec: number[] }[] = [];
  let offset = 0;
  for (const [size, count] of spec.groups) {
    for (let i = 0; i < count; i += 1) {
      const block = data.slice(offset, offset + size);
      offset += size;
      blocks.push({ data: block, ec: reedSolomonRemainder(block, divisor) });
    }
  }
  const result: number[] = [];
  const longest = Math.max(...blocks.map((block) => block.data.length));
  for (let i = 0; i < longest; i += 1) for (const block of blocks) if (i < block.data.length) result.push(block.data[i] as number);
  for (let i = 0; i < spec.ecPerBlock; i += 1) for (const block of blocks) result.push(block.ec[i] as number);
  return result;
}

/** Block layout of a version at level M, for tests that read a symbol back. */
export function blockLayout(version: number): { dataSizes: number[]; ecPerBlock: number } {
  const spec = BLOCKS_M[version - 1] as (typeof BLOCKS_M)[number];
  return { dataSizes: spec.groups.flatMap(([size, count]) => new Array<number>(count).fill(size)), ecPerBlock: spec.ecPerBlock };
}

/** Multiplication in GF(2⁸) modulo x⁸ + x⁴ + x³ + x² + 1. */
export function gfMultiply(x: number, y: number): number {
  let z = 0;
  for (let i = 7; i >= 0; i -= 1) {
    z = (z << 1) ^ ((z >>> 7) * 0x11d);
    z ^= ((y >>> i) & 1) * x;
  }
  return z & 0xff;
}

function reedSolomonDivisor(degree: number): number[] {
  const result = new Array<number>(degree).fill(0);
  result[degree - 1] = 1;
  let root = 1;
  for (let i = 0; i < degree; i += 1) {
    for (let j = 0; j < degree; j += 1) {
      result[j] = gfMultiply(result[j] as number, root);
      if (j + 1 < degree) result[j] = (result[j] as number) ^ (result[j + 1] as number);
    }
    root = gfMultiply(root, 0x02);
  }
  return result;
}

/** The Reed–Solomon remainder of `data` for a generator of `ecLength` codewords. */
export function reedSolomonRemainder(data: readonly number[], divisorOrLength: readonly number[] | number): number[] {
  const divisor = typeof divisorOrLength === 'number' ? reedSolomonDivisor(divisorOrLength) : divisorOrLength;
  const result = new Array<number>(divisor.length).fill(0);
  for (const byte of data) {
    const factor = byte ^ (result.shift() as number);
    result.push(0);
    for (let i = 0; i < result.length; i += 1) result[i] = (result[i] as number) ^ gfMultiply(divisor[i] as number, factor);
  }
  return result;
}

function drawFunctionPatterns(grid: Grid, version: number): void {
  const { size } = grid;
  for (let i = 0; i < size; i += 1) {
    setFunction(grid, 6, i, i % 2 === 0);
    setFunction(grid, i, 6, i % 2 === 0);
  }
  for (const [cx, cy] of [
    [3, 3],
    [size - 4, 3],
    [3, size - 4],
  ] as const) {
    for (let dy = -4; dy <= 4; dy += 1) {
      for (let dx = -4; dx <= 4; dx += 1) {
        const x = cx + dx;
        const y = cy + dy;
        const distance = Math.max(Math.abs(dx), Math.abs(dy));
        if (x >= 0 && x < size && y >= 0 && y < size) setFunction(grid, x, y, distance !== 2 && distance !== 4);
      }
    }
  }
  const centres = ALIGNMENT_CENTRES[version - 1] as readonly number[];
  const last = centres.length - 1;
  centres.forEach((cy, i) => {
    centres.forEach((cx, j) => {
      // The three corners that hold finder patterns get no alignment pattern.
      if ((i === 0 && j === 0) || (i === 0 && j === last) || (i === last && j === 0)) return;
      for (let dy = -2; dy <= 2; dy += 1) {
        for (let dx = -2; dx <= 2; dx += 1) setFunction(grid, cx + dx, cy + dy, Math.max(Math.abs(dx), Math.abs(dy)) !== 1);
      }
    });
  });
  // Reserve the format areas now; the real bits are drawn once the mask is chosen.
  drawFormatBitsInto(grid, 0, true);
  if (version >= 7) {
    const bits = versionBits(version);
    for (let i = 0; i < 18; i += 1) {
      const dark = ((bits >>> i) & 1) === 1;
      const a = size - 11 + (i % 3);
      const b = Math.floor(i / 3);
      setFunction(grid, a, b, dark);
      setFunction(grid, b, a, dark);
    }
  }
}

/** The 15 format bits for level M and `mask`: BCH(15,5) with generator 0x537, XOR 0x5412. */
export function formatBits(mask: number): number {
  const data = (EC_LEVEL_M_BITS << 3) | mask;
  let remainder = data;
  for (let i = 0; i < 10; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 9) * 0x537);
  return ((data << 10) | remainder) ^ 0x5412;
}

/** The 18 version bits: BCH(18,6) with generator 0x1f25. */
export function versionBits(version: number): number {
  let remainder = version;
  for (let i = 0; i < 12; i += 1) remainder = (remainder << 1) ^ ((remainder >>> 11) * 0x1f25);
  return (version << 12) | remainder;
}

/** Where each of the 15 format bits goes, in both copies, as [x, y]. */
export function formatBitPositions(size: number): { first: [number, number][]; second: [number, number][] } {
  const first: [number, number][] = [];
  const second: [number, number][] = [];
  for (let i = 0; i <= 5; i += 1) first.push([8, i]);
  first.push([8, 7], [8, 8], [7, 8]);
  for (let i = 9; i < 15; i += 1) first.push([14 - i, 8]);
  for (let i = 0; i < 8; i += 1) second.push([size - 1 - i, 8]);
  for (let i = 8; i < 15; i += 1) second.push([8, size - 15 + i]);
  return { first, second };
}

function drawFormatBitsInto(grid: Grid, mask: number, reserveOnly: boolean): void {
  const bits = formatBits(mask);
  const { first, second } = formatBitPositions(grid.size);
  first.forEach(([x, y], i) => setFunction(grid, x, y, !reserveOnly && ((bits >>> i) & 1) === 1));
  second.forEach(([x, y], i) => setFunction(grid, x, y, !reserveOnly && ((bits >>> i) & 1) === 1));
  setFunction(grid, 8, grid.size - 8, true);
}

function drawFormatBits(modules: boolean[][], size: number, mask: number): void {
  const bits = formatBits(mask);
  const { first, second } = formatBitPositions(size);
  for (const positions of [first, second]) {
    positions.forEach(([x, y], i) => {
      (modules[y] as boolean[])[x] = ((bits >>> i) & 1) === 1;
    });
  }
  (modules[size - 8] as boolean[])[8] = true;
}

/** The data modules in placement order (two-column zigzag from the bottom right), as [x, y]. */
export function dataModuleOrder(isFunction: readonly (readonly boolean[])[]): [number, number][] {
  const size = isFunction.length;
  const order: [number, number][] = [];
  for (let right = size - 1; right >= 1; right -= 2) {
    if (right === 6) right = 5;
    for (let vert = 0; vert < size; vert += 1) {
      for (let j = 0; j < 2; j += 1) {
        const x = right - j;
        const upward = ((right + 1) & 2) === 0;
        const y = upward ? size - 1 - vert : vert;
        if (!(isFunction[y] as readonly boolean[])[x]) order.push([x, y]);
      }
    }
  }
  return order;
}

function drawCodewords(grid: Grid, codewords: readonly number[]): void {
  const order = dataModuleOrder(grid.isFunction);
  order.forEach(([x, y], i) => {
    // Modules past the last codeword are remainder bits, which are zero.
    const byte = codewords[i >>> 3];
    (grid.modules[y] as boolean[])[x] = byte !== undefined && ((byte >>> (7 - (i & 7))) & 1) === 1;
  });
}

/** Whether mask pattern `mask` inverts the module at (x, y). */
export function maskBit(mask: number, x: number, y: number): boolean {
  switch (mask) {
    case 0:
      return (x + y) % 2 === 0;
    case 1:
      return y % 2 === 0;
    case 2:
      return x % 3 === 0;
    case 3:
      return (x + y) % 3 === 0;
    case 4:
      return (Math.floor(x / 3) + Math.floor(y / 2)) % 2 === 0;
    case 5:
      return ((x * y) % 2) + ((x * y) % 3) === 0;
    case 6:
      return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0;
    case 7:
      return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0;
    default:
      throw new RangeError(`qr.invalid_mask: ${mask}`);
  }
}

function applyMask(modules: boolean[][], isFunction: readonly (readonly boolean[])[], mask: number): void {
  for (let y = 0; y < modules.length; y += 1) {
    const row = modules[y] as boolean[];
    for (let x = 0; x < row.length; x += 1) {
      if (!(isFunction[y] as readonly boolean[])[x] && maskBit(mask, x, y)) row[x] = !row[x];
    }
  }
}

const FINDER_LIKE = [true, false, true, true, true, false, true, false, false, false, false];
const FINDER_LIKE_REVERSED = [...FINDER_LIKE].reverse();

/** The standard's four penalty rules; the mask with the lowest score is used. */
function penaltyScore(modules: readonly (readonly boolean[])[]): number {
  const size = modules.length;
  const at = (x: number, y: number) => (modules[y] as readonly boolean[])[x] as boolean;
  let score = 0;
  for (const horizontal of [true, false]) {
    for (let a = 0; a < size; a += 1) {
      let runLength = 0;
      let runColour = false;
      for (let b = 0; b < size; b += 1) {
        const colour = horizontal ? at(b, a) : at(a, b);
        if (b > 0 && colour === runColour) {
          runLength += 1;
          if (runLength === 5) score += 3;
          else if (runLength > 5) score += 1;
        } else {
          runColour = colour;
          runLength = 1;
        }
        if (b + FINDER_LIKE.length <= size) {
          for (const pattern of [FINDER_LIKE, FINDER_LIKE_REVERSED]) {
            if (pattern.every((dark, k) => (horizontal ? at(b + k, a) : at(a, b + k)) === dark)) score += 40;
          }
        }
      }
    }
  }
  let dark = 0;
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const colour = at(x, y);
      if (colour) dark += 1;
      if (x < size - 1 && y < size - 1 && colour === at(x + 1, y) && colour === at(x, y + 1) && colour === at(x + 1, y + 1)) score += 3;
    }
  }
  const total = size * size;
  score += (Math.ceil(Math.abs(dark * 20 - total * 10) / total) - 1) * 10;
  return score;
}

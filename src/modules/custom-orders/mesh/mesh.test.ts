import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';
import { crc32 } from 'node:zlib';
import { zipSync, strToU8 } from 'fflate';
import {
  asciiStl,
  binaryStl,
  box,
  boxQuads,
  jpegBytes,
  largeBinaryStl,
  objFile,
  tetrahedron,
  threeMfFile,
  withHole,
} from '../../../../test/support/mesh-fixtures.ts';
import { ModelError } from './errors.ts';
import { measureMesh } from './measure.ts';
import { analyseModel } from './model.ts';
import { parseObj } from './obj.parser.ts';
import { renderThumbnail } from './render.ts';
import { parseStl } from './stl.parser.ts';
import { parseThreeMf } from './threemf.parser.ts';

const cube10 = box([10, 10, 10]);

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: expected ${expected} ± ${tolerance}, got ${actual}`);
}

function assertRefused(run: () => unknown, code: string, pattern?: RegExp): ModelError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof ModelError, `expected a ModelError ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (pattern) assert.match(caught.message, pattern);
  return caught;
}

describe('STL', () => {
  test('a 10 mm cube as binary STL measures 1.000 cm³ and a 10×10×10 mm box, closed', () => {
    const mesh = parseStl(binaryStl(cube10));
    assert.equal(mesh.encoding, 'binary');
    const measured = measureMesh(mesh);
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [10, 10, 10]);
    assert.deepEqual(measured.bboxMinMm, [0, 0, 0]);
    assert.equal(measured.triangleCount, 12);
    assertClose(measured.surfaceAreaMm2, 600, 1e-9, 'area');
    assert.equal(measured.vertexCount, 8);
    assert.equal(measured.isClosed, true);
    assert.equal(measured.boundaryEdges, 0);
    assert.equal(measured.inconsistentEdges, 0);
    assert.equal(measured.invertedNormals, false);
  });

  test('a 10 mm cube as ASCII STL measures the same as the binary one', () => {
    const mesh = parseStl(asciiStl(cube10));
    assert.equal(mesh.encoding, 'ascii');
    const measured = measureMesh(mesh);
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [10, 10, 10]);
    assert.equal(measured.isClosed, true);
  });

  test('a binary STL whose header starts with "solid" is still read as binary by its size', () => {
    const mesh = parseStl(binaryStl(cube10, 'solid exported by a popular CAD package'));
    assert.equal(mesh.encoding, 'binary');
    assertClose(measureMesh(mesh).volumeCm3, 1, 1e-6, 'volume');
  });

  test('a JPEG renamed to .stl is refused as not a model, naming what it is', () => {
    const error = assertRefused(() => analyseModel(jpegBytes(), 'photo.stl'), 'model.not_a_model', /JPEG/);
    assert.equal(error.details.kind, 'JPEG image');
  });

  test('a binary STL cut short is refused as truncated with the counts', () => {
    const whole = binaryStl(cube10);
    const error = assertRefused(() => parseStl(whole.subarray(0, whole.length - 30)), 'model.truncated');
    assert.equal(error.details.declared, 12);
    assert.equal(error.details.present, 11);
  });

  test('an ASCII STL cut short is refused as truncated', () => {
    const whole = asciiStl(cube10);
    assertRefused(() => parseStl(whole.subarray(0, Math.floor(whole.length / 2))), 'model.truncated');
  });

  test('an empty file is refused as empty', () => {
    assertRefused(() => parseStl(new Uint8Array(0)), 'model.empty');
  });

  test('an ASCII STL with a word where a number belongs is refused as corrupt with its line', () => {
    const text = new TextDecoder().decode(asciiStl(cube10)).replace('vertex 0.000000e+0', 'vertex banana');
    assertRefused(() => parseStl(new TextEncoder().encode(text)), 'model.corrupt', /line 4/);
  });

  test('a plain text file named .stl is refused as not a model', () => {
    assertRefused(() => parseStl(new TextEncoder().encode('hello, please print my figurine\n')), 'model.not_a_model');
  });

  test('more triangles than the limit are refused', () => {
    assertRefused(() => parseStl(binaryStl(cube10), { maxTriangles: 10 }), 'model.too_many_triangles');
    assertRefused(() => parseStl(asciiStl(cube10), { maxTriangles: 10 }), 'model.too_many_triangles');
  });

  test('a 400 000-triangle binary STL (about 20 MB, Telegram’s download limit) is parsed and measured', () => {
    const bytes = largeBinaryStl(400_000);
    assert.ok(bytes.length > 19_000_000);
    const measured = measureMesh(parseStl(bytes));
    assert.equal(measured.triangleCount, 400_000);
    assert.equal(measured.isClosed, false);
  });
});

describe('measurements', () => {
  test('a mesh with a missing triangle is reported as not closed, with its boundary edges', () => {
    const measured = measureMesh(parseStl(binaryStl(withHole(cube10))));
    assert.equal(measured.isClosed, false);
    assert.equal(measured.boundaryEdges, 3);
    assert.equal(measured.triangleCount, 11);
  });

  test('a box with inward-facing triangles still measures a positive volume and says the faces are inverted', () => {
    const inverted = { vertices: cube10.vertices, triangles: cube10.triangles.map(([a, b, c]) => [a, c, b] as [number, number, number]) };
    const measured = measureMesh(parseStl(binaryStl(inverted)));
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.equal(measured.invertedNormals, true);
    assert.equal(measured.isClosed, true);
  });

  test('one flipped triangle is counted as inconsistent orientation', () => {
    const triangles = cube10.triangles.map((triangle, index) => (index === 0 ? ([triangle[0], triangle[2], triangle[1]] as [number, number, number]) : triangle));
    const measured = measureMesh(parseStl(binaryStl({ vertices: cube10.vertices, triangles })));
    assert.equal(measured.inconsistentEdges, 3);
  });

  test('a box placed far from the origin measures the same volume', () => {
    const measured = measureMesh(parseStl(binaryStl(box([10, 10, 10], [5000, -7000, 3000]))));
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [10, 10, 10]);
  });

  test('a model whose triangles are all collapsed is refused as having no geometry', () => {
    const flat = { vertices: [[0, 0, 0], [0, 0, 0], [0, 0, 0]] as [number, number, number][], triangles: [[0, 1, 2]] as [number, number, number][] };
    assertRefused(() => analyseModel(binaryStl(flat), 'dot.stl'), 'model.no_geometry');
  });
});

describe('OBJ', () => {
  test('a 20×10×5 mm box written as quads with v//vn corners measures 1.0 cm³ and is closed', () => {
    const mesh = parseObj(objFile(box([20, 10, 5]), { faces: boxQuads(), style: 'normals' }));
    const measured = measureMesh(mesh);
    assert.equal(measured.triangleCount, 12);
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [20, 10, 5]);
    assert.equal(measured.isClosed, true);
  });

  test('negative and v/vt/vn indices resolve to the same tetrahedron', () => {
    const shape = tetrahedron(30, 20, 10);
    for (const style of ['negative', 'full', 'plain'] as const) {
      const measured = measureMesh(parseObj(objFile(shape, { style })));
      assertClose(measured.volumeCm3, 1, 1e-9, `volume (${style})`);
      assert.deepEqual(measured.sizeMm, [30, 20, 10]);
      assert.equal(measured.isClosed, true, style);
    }
  });

  test('a face pointing past the last vertex is refused as corrupt', () => {
    const text = 'v 0 0 0\nv 1 0 0\nv 0 1 0\nf 1 2 9\n';
    assertRefused(() => parseObj(new TextEncoder().encode(text)), 'model.corrupt', /vertex 9/);
  });

  test('an OBJ with vertices but no faces is refused as having no geometry', () => {
    assertRefused(() => parseObj(new TextEncoder().encode('v 0 0 0\nv 1 0 0\n')), 'model.no_geometry');
  });

  test('a JPEG named .obj is refused as not a model', () => {
    assertRefused(() => analyseModel(jpegBytes(), 'photo.obj'), 'model.not_a_model', /JPEG/);
  });
});

describe('3MF', () => {
  test('a 20×10×5 mm box in a 3MF package measures 1.0 cm³', () => {
    const measured = measureMesh(parseThreeMf(threeMfFile(box([20, 10, 5]))));
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [20, 10, 5]);
    assert.equal(measured.isClosed, true);
  });

  test('the unit attribute is honoured: a 2×1×0.5 cm box is 20×10×5 mm', () => {
    const measured = measureMesh(parseThreeMf(threeMfFile(box([2, 1, 0.5]), { unit: 'centimeter' })));
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    measured.sizeMm.forEach((size, index) => assertClose(size, [20, 10, 5][index] as number, 1e-5, `size ${index}`));
  });

  test('a build item transform scales and moves the model', () => {
    // Scale x by 2 and move by (100, 50, 0): a 20×10×5 box becomes 40×10×5 mm at x = 100.
    const measured = measureMesh(parseThreeMf(threeMfFile(box([20, 10, 5]), { transform: '2 0 0 0 1 0 0 0 1 100 50 0' })));
    assertClose(measured.volumeCm3, 2, 1e-6, 'volume');
    assert.deepEqual(measured.sizeMm, [40, 10, 5]);
    assert.deepEqual(measured.bboxMinMm, [100, 50, 0]);
  });

  test('components are placed with their own transform, and a namespace prefix is tolerated', () => {
    // The component rotates the tetrahedron 90° about z; the volume stays abc/6 = 1 cm³.
    const measured = measureMesh(parseThreeMf(threeMfFile(tetrahedron(30, 20, 10), { viaComponent: '0 1 0 -1 0 0 0 0 1 0 0 0', prefix: 'm' })));
    assertClose(measured.volumeCm3, 1, 1e-6, 'volume');
    measured.sizeMm.forEach((size, index) => assertClose(size, [20, 30, 10][index] as number, 1e-9, `size ${index}`));
  });

  test('a 3MF cut short is refused as truncated', () => {
    const whole = threeMfFile(box([20, 10, 5]));
    assertRefused(() => parseThreeMf(whole.subarray(0, whole.length - 40)), 'model.truncated');
  });

  test('a ZIP without a 3D model is refused as not a model', () => {
    assertRefused(() => parseThreeMf(zipSync({ 'readme.txt': strToU8('hello') })), 'model.not_a_model', /3dmodel/);
  });

  test('a JPEG named .3mf is refused as not a model', () => {
    assertRefused(() => analyseModel(jpegBytes(), 'photo.3mf'), 'model.not_a_model', /JPEG/);
  });

  test('an unknown extension is refused with the accepted formats', () => {
    assertRefused(() => analyseModel(binaryStl(cube10), 'model.step'), 'model.unsupported_format', /STL, OBJ or 3MF/);
  });
});

/** Reads a PNG back enough to check it: chunks and CRCs, size, and filter-0 RGB pixels. */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Uint8Array } {
  const buffer = Buffer.from(png);
  assert.deepEqual([...buffer.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let offset = 8;
  let width = 0;
  let height = 0;
  const idat: Buffer[] = [];
  const types: string[] = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.toString('ascii', offset + 4, offset + 8);
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    assert.equal(buffer.readUInt32BE(offset + 8 + length), crc32(buffer.subarray(offset + 4, offset + 8 + length)), `CRC of ${type}`);
    types.push(type);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      assert.deepEqual([data[8], data[9]], [8, 2]);
    }
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  assert.deepEqual([types[0], types.at(-1)], ['IHDR', 'IEND']);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  assert.equal(raw.length, (stride + 1) * height);
  const pixels = new Uint8Array(stride * height);
  for (let row = 0; row < height; row += 1) {
    assert.equal(raw[row * (stride + 1)], 0, 'filter type');
    pixels.set(raw.subarray(row * (stride + 1) + 1, (row + 1) * (stride + 1)), row * stride);
  }
  return { width, height, pixels };
}

describe('thumbnail', () => {
  test('the renderer produces a valid PNG of the requested size with the model drawn in its colour', () => {
    const png = renderThumbnail(parseStl(binaryStl(cube10)), { widthPx: 160, heightPx: 120, colourHex: '#d03030', backgroundHex: '#ffffff' });
    const { width, height, pixels } = decodePng(png);
    assert.deepEqual([width, height], [160, 120]);
    let model = 0;
    let reddish = 0;
    for (let index = 0; index < pixels.length; index += 3) {
      const [r, g, b] = [pixels[index] as number, pixels[index + 1] as number, pixels[index + 2] as number];
      if (r !== 255 || g !== 255 || b !== 255) model += 1;
      if (r > g + 40 && r > b + 40) reddish += 1;
    }
    // The cube fills a good part of the frame, and its faces are shades of the chosen red.
    assert.ok(model > width * height * 0.25, `model pixels: ${model}`);
    assert.ok(reddish > model * 0.8, `red pixels: ${reddish} of ${model}`);
    // The corners stay background: the model is framed with a margin.
    assert.deepEqual([...pixels.subarray(0, 3)], [255, 255, 255]);
  });

  test('the three visible faces of a cube get three different shades', () => {
    const { pixels } = decodePng(renderThumbnail(parseStl(binaryStl(cube10)), { widthPx: 200, heightPx: 200, colourHex: '#808080', backgroundHex: '#ffffff', supersample: 1 }));
    const shades = new Map<number, number>();
    for (let index = 0; index < pixels.length; index += 3) {
      const value = pixels[index] as number;
      if (value !== 255) shades.set(value, (shades.get(value) ?? 0) + 1);
    }
    const large = [...shades.values()].filter((count) => count > 500);
    assert.equal(large.length, 3, `shades: ${JSON.stringify([...shades])}`);
  });
});

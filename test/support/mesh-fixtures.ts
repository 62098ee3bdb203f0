import { strToU8, zipSync } from 'fflate';

/** A mesh as corner coordinates and triangles by corner index (counter-clockwise seen from outside). */
export interface IndexedShape {
  vertices: [number, number, number][];
  triangles: [number, number, number][];
}

/** An axis-aligned box from `origin` with sides `sizeMm`, outward-facing, 12 triangles. */
export function box(sizeMm: [number, number, number], origin: [number, number, number] = [0, 0, 0]): IndexedShape {
  const [sx, sy, sz] = sizeMm;
  const vertices: [number, number, number][] = [];
  for (let index = 0; index < 8; index += 1) {
    vertices.push([origin[0] + (index & 1 ? sx : 0), origin[1] + (index & 2 ? sy : 0), origin[2] + (index & 4 ? sz : 0)]);
  }
  return { vertices, triangles: boxQuads().flatMap(([a, b, c, d]) => [[a, b, c], [a, c, d]] as [number, number, number][]) };
}

/** The six faces of {@link box} as quads (for OBJ polygons). */
export function boxQuads(): [number, number, number, number][] {
  return [
    [0, 2, 3, 1],
    [4, 5, 7, 6],
    [0, 1, 5, 4],
    [2, 6, 7, 3],
    [0, 4, 6, 2],
    [1, 3, 7, 5],
  ];
}

/** The tetrahedron with corners at the origin and on each axis; volume a·b·c/6. */
export function tetrahedron(a: number, b: number, c: number): IndexedShape {
  return {
    vertices: [[0, 0, 0], [a, 0, 0], [0, b, 0], [0, 0, c]],
    triangles: [[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]],
  };
}

/** The shape with its last `count` triangles removed: a mesh with a hole. */
export function withHole(shape: IndexedShape, count = 1): IndexedShape {
  return { vertices: shape.vertices, triangles: shape.triangles.slice(0, shape.triangles.length - count) };
}

/** A binary STL of the shape; `header` lets a test start it with "solid" as many exporters do. */
export function binaryStl(shape: IndexedShape, header = 'binary STL written by the Lavka test fixtures'): Uint8Array {
  const bytes = new Uint8Array(84 + 50 * shape.triangles.length);
  const view = new DataView(bytes.buffer);
  bytes.set(new TextEncoder().encode(header.slice(0, 80)));
  view.setUint32(80, shape.triangles.length, true);
  shape.triangles.forEach((triangle, index) => {
    const offset = 84 + index * 50;
    // Normals are left at zero, as some exporters write them: readers must not rely on them.
    triangle.forEach((corner, k) => {
      const [x, y, z] = shape.vertices[corner] as [number, number, number];
      view.setFloat32(offset + 12 + k * 12, x, true);
      view.setFloat32(offset + 16 + k * 12, y, true);
      view.setFloat32(offset + 20 + k * 12, z, true);
    });
  });
  return bytes;
}

/** An ASCII STL of the shape. */
export function asciiStl(shape: IndexedShape, name = 'fixture'): Uint8Array {
  const lines = [`solid ${name}`];
  for (const triangle of shape.triangles) {
    lines.push('  facet normal 0 0 0', '    outer loop');
    for (const corner of triangle) {
      const [x, y, z] = shape.vertices[corner] as [number, number, number];
      lines.push(`      vertex ${x.toExponential(6)} ${y.toExponential(6)} ${z.toExponential(6)}`);
    }
    lines.push('    endloop', '  endfacet');
  }
  lines.push(`endsolid ${name}`);
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

/**
 * An OBJ of the shape. `faces` defaults to its triangles; `style` writes each corner as a
 * plain index, `v//vn`, `v/vt/vn`, or a negative (relative) index.
 */
export function objFile(
  shape: IndexedShape,
  options: { faces?: number[][]; style?: 'plain' | 'normals' | 'full' | 'negative' } = {},
): Uint8Array {
  const faces = options.faces ?? shape.triangles;
  const style = options.style ?? 'plain';
  const lines = ['# written by the Lavka test fixtures', 'o fixture'];
  for (const [x, y, z] of shape.vertices) lines.push(`v ${x} ${y} ${z}`);
  lines.push('vn 0 0 1', 'vt 0 0');
  const count = shape.vertices.length;
  for (const face of faces) {
    const corners = face.map((index) => {
      if (style === 'normals') return `${index + 1}//1`;
      if (style === 'full') return `${index + 1}/1/1`;
      if (style === 'negative') return `${index - count}`;
      return `${index + 1}`;
    });
    lines.push(`f ${corners.join(' ')}`);
  }
  return new TextEncoder().encode(`${lines.join('\r\n')}\r\n`);
}

/** A 3MF package holding the shape as one object, with an optional unit and build transform. */
export function threeMfFile(
  shape: IndexedShape,
  options: { unit?: string; transform?: string; viaComponent?: string; prefix?: string } = {},
): Uint8Array {
  const p = options.prefix ? `${options.prefix}:` : '';
  const ns = options.prefix ? `xmlns:${options.prefix}` : 'xmlns';
  const vertices = shape.vertices.map(([x, y, z]) => `<${p}vertex x="${x}" y="${y}" z="${z}" />`).join('\n          ');
  const triangles = shape.triangles.map(([a, b, c]) => `<${p}triangle v1="${a}" v2="${b}" v3="${c}"/>`).join('\n          ');
  const component = options.viaComponent
    ? `<${p}object id="2" type="model"><${p}components><${p}component objectid="1" transform="${options.viaComponent}"/></${p}components></${p}object>`
    : '';
  const buildTarget = options.viaComponent ? '2' : '1';
  const model = `<?xml version="1.0" encoding="UTF-8"?>
<!-- written by the Lavka test fixtures -->
<${p}model unit="${options.unit ?? 'millimeter'}" xml:lang="en-US" ${ns}="http://schemas.microsoft.com/3dmanufacturing/core/2015/02">
  <${p}metadata name="Title">fixture</${p}metadata>
  <${p}resources>
    <${p}object id="1" type="model">
      <${p}mesh>
        <${p}vertices>
          ${vertices}
        </${p}vertices>
        <${p}triangles>
          ${triangles}
        </${p}triangles>
      </${p}mesh>
    </${p}object>
    ${component}
  </${p}resources>
  <${p}build>
    <${p}item objectid="${buildTarget}"${options.transform ? ` transform="${options.transform}"` : ''} />
  </${p}build>
</${p}model>
`;
  return zipSync({
    '[Content_Types].xml': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="model" ContentType="application/vnd.ms-package.3dmanufacturing-3dmodel+xml"/></Types>',
    ),
    '_rels/.rels': strToU8(
      '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Target="/3D/3dmodel.model" Id="rel0" Type="http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel"/></Relationships>',
    ),
    '3D/3dmodel.model': strToU8(model),
  });
}

/** The first bytes of a real JPEG (SOI, JFIF APP0) padded to `size`: a photo, not a model. */
export function jpegBytes(size = 2048): Uint8Array {
  const bytes = new Uint8Array(size);
  bytes.set([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x48, 0x00, 0x48, 0x00, 0x00]);
  for (let index = 20; index < size - 2; index += 1) bytes[index] = (index * 37) & 0xff;
  bytes[size - 2] = 0xff;
  bytes[size - 1] = 0xd9;
  return bytes;
}

/** A binary STL of `count` triangles: a fan of thin slivers, for speed tests. */
export function largeBinaryStl(count: number): Uint8Array {
  const bytes = new Uint8Array(84 + 50 * count);
  const view = new DataView(bytes.buffer);
  view.setUint32(80, count, true);
  for (let index = 0; index < count; index += 1) {
    const offset = 84 + index * 50 + 12;
    const angle = (index / count) * Math.PI * 2;
    const next = ((index + 1) / count) * Math.PI * 2;
    const values = [0, 0, (index % 100) * 0.1, Math.cos(angle) * 50, Math.sin(angle) * 50, 0, Math.cos(next) * 50, Math.sin(next) * 50, 0];
    values.forEach((value, k) => view.setFloat32(offset + k * 4, value, true));
  }
  return bytes;
}

import { modelError, sniffForeignFile } from './errors.ts';
import { MAX_TRIANGLES, createFloatList, type ParseLimits, type TriangleMesh } from './mesh.ts';

/**
 * Parses a Wavefront OBJ: `v x y z` vertices and `f` faces in every index form (`1`, `1/2`,
 * `1/2/3`, `1//3`, negative = relative to the vertices so far). Polygons are split as a fan,
 * which is exact for the convex faces exporters write. OBJ has no unit: it is read as
 * millimetres, the convention of slicers. Everything else (normals, textures, groups,
 * materials) does not change the shape and is skipped.
 */
export function parseObj(bytes: Uint8Array, limits: ParseLimits = {}): TriangleMesh {
  const maxTriangles = limits.maxTriangles ?? MAX_TRIANGLES;
  if (bytes.length === 0) throw modelError('model.empty', 'the file is empty');
  const foreign = sniffForeignFile(bytes);
  if (foreign) throw modelError('model.not_a_model', `the file is a ${foreign}, not an OBJ model`, { kind: foreign });
  const probeEnd = Math.min(bytes.length, 4096);
  for (let index = 0; index < probeEnd; index += 1) {
    if (bytes[index] === 0) throw modelError('model.not_a_model', 'the file is binary, but OBJ models are text', { kind: 'binary' });
  }

  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const vertices = createFloatList();
  let indices = new Uint32Array(3 * 4096);
  let indexCount = 0;
  const face: number[] = [];
  let lineNumber = 0;
  let position = 0;

  const pushTriangle = (a: number, b: number, c: number) => {
    if (indexCount / 3 >= maxTriangles) {
      throw modelError('model.too_many_triangles', `the model has more than ${maxTriangles} triangles`, { maxTriangles });
    }
    if (indexCount + 3 > indices.length) {
      const grown = new Uint32Array(indices.length * 2);
      grown.set(indices);
      indices = grown;
    }
    indices[indexCount] = a;
    indices[indexCount + 1] = b;
    indices[indexCount + 2] = c;
    indexCount += 3;
  };
  const corrupt = (what: string) => modelError('model.corrupt', `line ${lineNumber}: ${what}`, { line: lineNumber });

  while (position < text.length) {
    let end = text.indexOf('\n', position);
    if (end === -1) end = text.length;
    lineNumber += 1;
    const lineStart = position;
    position = end + 1;
    let cursor = lineStart;
    while (cursor < end && (text.charCodeAt(cursor) === 32 || text.charCodeAt(cursor) === 9)) cursor += 1;
    const first = text.charCodeAt(cursor);
    const second = text.charCodeAt(cursor + 1);
    const isKeywordEnd = second === 32 || second === 9;
    if (first === 118 /* v */ && isKeywordEnd) {
      const fields = splitFields(text, cursor + 2, end);
      if (fields.length < 3) throw corrupt('a vertex needs three coordinates');
      const x = Number(fields[0]);
      const y = Number(fields[1]);
      const z = Number(fields[2]);
      if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) throw corrupt('a vertex coordinate is not a number');
      vertices.push3(x, y, z);
    } else if (first === 102 /* f */ && isKeywordEnd) {
      const fields = splitFields(text, cursor + 2, end);
      if (fields.length < 3) throw corrupt('a face needs at least three corners');
      face.length = 0;
      const known = vertices.length / 3;
      for (const field of fields) {
        const slash = field.indexOf('/');
        const raw = Number(slash === -1 ? field : field.slice(0, slash));
        if (!Number.isInteger(raw) || raw === 0) throw corrupt(`"${field.slice(0, 20)}" is not a vertex index`);
        const resolved = raw > 0 ? raw - 1 : known + raw;
        if (resolved < 0) throw corrupt(`vertex index ${raw} points before the first vertex`);
        face.push(resolved);
      }
      for (let index = 1; index + 1 < face.length; index += 1) pushTriangle(face[0] as number, face[index] as number, face[index + 1] as number);
    }
  }

  const vertexCount = vertices.length / 3;
  if (vertexCount === 0 && indexCount === 0) throw modelError('model.not_a_model', 'the file has no OBJ vertices or faces', { kind: 'text' });
  if (indexCount === 0) throw modelError('model.no_geometry', 'the OBJ has vertices but no faces');
  const triangleCount = indexCount / 3;
  const positions = new Float32Array(triangleCount * 9);
  const table = vertices.values;
  for (let index = 0; index < indexCount; index += 1) {
    const vertex = indices[index] as number;
    if (vertex >= vertexCount) {
      throw modelError('model.corrupt', `a face uses vertex ${vertex + 1}, but the file has only ${vertexCount}`, { vertex: vertex + 1, vertexCount });
    }
    positions[index * 3] = table[vertex * 3] as number;
    positions[index * 3 + 1] = table[vertex * 3 + 1] as number;
    positions[index * 3 + 2] = table[vertex * 3 + 2] as number;
  }
  return { positions, triangleCount };
}

/** Whitespace-separated fields of `text` between `start` and `end`, stopping at a comment. */
function splitFields(text: string, start: number, end: number): string[] {
  const fields: string[] = [];
  let cursor = start;
  while (cursor < end) {
    let code = text.charCodeAt(cursor);
    while (cursor < end && (code === 32 || code === 9 || code === 13)) {
      cursor += 1;
      code = text.charCodeAt(cursor);
    }
    if (cursor >= end || code === 35 /* # */) break;
    const fieldStart = cursor;
    while (cursor < end) {
      code = text.charCodeAt(cursor);
      if (code === 32 || code === 9 || code === 13) break;
      cursor += 1;
    }
    fields.push(text.slice(fieldStart, cursor));
  }
  return fields;
}

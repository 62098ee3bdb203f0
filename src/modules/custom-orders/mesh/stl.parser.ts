import { modelError, sniffForeignFile } from './errors.ts';
import { MAX_TRIANGLES, createTriangleSink, type ParseLimits, type TriangleMesh } from './mesh.ts';

/** Bytes of a binary STL header: 80 free bytes and a little-endian triangle count. */
const BINARY_HEADER_BYTES = 84;
/** Bytes per triangle record: normal, three corners (12 float32) and a 2-byte attribute. */
const BINARY_TRIANGLE_BYTES = 50;
/** Trailing bytes some exporters append after the last triangle; more than this is not an STL. */
const MAX_BINARY_TRAILER_BYTES = 512;

/** Which of the two STL encodings a file uses. */
export type StlEncoding = 'binary' | 'ascii';

/**
 * Parses an STL file, binary or ASCII. The encoding is decided by the binary size rule
 * (84 + 50 × count bytes), not by the `solid` prefix: many binary exporters start their header
 * with "solid" too. Throws a {@link ModelError} that says what is wrong.
 */
export function parseStl(bytes: Uint8Array, limits: ParseLimits = {}): TriangleMesh & { encoding: StlEncoding } {
  const maxTriangles = limits.maxTriangles ?? MAX_TRIANGLES;
  if (bytes.length === 0) throw modelError('model.empty', 'the file is empty');
  const declared = bytes.length >= BINARY_HEADER_BYTES ? readUint32(bytes, 80) : -1;
  const expectedBytes = BINARY_HEADER_BYTES + declared * BINARY_TRIANGLE_BYTES;

  if (declared > 0 && bytes.length === expectedBytes) return { ...parseBinary(bytes, declared, maxTriangles), encoding: 'binary' };
  if (looksLikeAsciiStl(bytes)) return { ...parseAscii(bytes, maxTriangles), encoding: 'ascii' };

  const foreign = sniffForeignFile(bytes);
  if (foreign) throw modelError('model.not_a_model', `the file is a ${foreign}, not an STL model`, { kind: foreign });
  if (isMostlyText(bytes)) throw modelError('model.not_a_model', 'the file is text but not an ASCII STL (it must start with "solid")', { kind: 'text' });
  if (bytes.length < BINARY_HEADER_BYTES) {
    throw modelError('model.truncated', `the file is ${bytes.length} bytes, shorter than an STL header`, { bytes: bytes.length });
  }
  if (declared === 0) throw modelError('model.no_geometry', 'the STL declares no triangles');
  if (bytes.length > expectedBytes && bytes.length - expectedBytes <= MAX_BINARY_TRAILER_BYTES) {
    return { ...parseBinary(bytes, declared, maxTriangles), encoding: 'binary' };
  }
  if (bytes.length < expectedBytes) {
    const present = Math.floor((bytes.length - BINARY_HEADER_BYTES) / BINARY_TRIANGLE_BYTES);
    throw modelError('model.truncated', `the STL declares ${declared} triangles but the file holds only ${present}`, {
      declared,
      present,
    });
  }
  throw modelError('model.not_a_model', 'the file is neither a binary nor an ASCII STL', { kind: 'unknown' });
}

function readUint32(bytes: Uint8Array, offset: number): number {
  return ((bytes[offset] as number) | ((bytes[offset + 1] as number) << 8) | ((bytes[offset + 2] as number) << 16)) + (bytes[offset + 3] as number) * 0x1000000;
}

function parseBinary(bytes: Uint8Array, count: number, maxTriangles: number): TriangleMesh {
  if (count > maxTriangles) {
    throw modelError('model.too_many_triangles', `the model has ${count} triangles, more than ${maxTriangles}`, { count, maxTriangles });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const positions = new Float32Array(count * 9);
  let offset = BINARY_HEADER_BYTES + 12; // skip the header and the first stored normal
  let out = 0;
  for (let triangle = 0; triangle < count; triangle += 1) {
    for (let index = 0; index < 9; index += 1) {
      const value = view.getFloat32(offset + index * 4, true);
      if (!Number.isFinite(value)) {
        throw modelError('model.corrupt', `triangle ${triangle + 1} has a coordinate that is not a number`, { triangle: triangle + 1 });
      }
      positions[out + index] = value;
    }
    out += 9;
    offset += BINARY_TRIANGLE_BYTES;
  }
  return { positions, triangleCount: count };
}

/** True for bytes a text file is made of (tabs, line breaks, printable ASCII, UTF-8). */
function isTextByte(byte: number): boolean {
  return byte === 9 || byte === 10 || byte === 13 || byte === 12 || (byte >= 32 && byte !== 127);
}

function isMostlyText(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, 4096);
  for (let index = 0; index < end; index += 1) if (!isTextByte(bytes[index] as number)) return false;
  return true;
}

/** "solid" first (after whitespace), and text throughout the first 4 KB. */
function looksLikeAsciiStl(bytes: Uint8Array): boolean {
  let start = 0;
  while (start < bytes.length && (bytes[start] === 32 || bytes[start] === 9 || bytes[start] === 10 || bytes[start] === 13)) start += 1;
  // A UTF-8 byte order mark some editors add.
  if (bytes[start] === 0xef && bytes[start + 1] === 0xbb && bytes[start + 2] === 0xbf) start += 3;
  const keyword = String.fromCharCode(...bytes.subarray(start, start + 5)).toLowerCase();
  return keyword === 'solid' && isMostlyText(bytes);
}

/**
 * A whitespace tokenizer over the file as Latin-1 text (STL keywords and numbers are ASCII;
 * names may be anything and are skipped as whole lines).
 */
function createTokenizer(text: string) {
  let position = 0;
  const isSpace = (code: number) => code === 32 || code === 9 || code === 10 || code === 13 || code === 12 || code === 11;
  return {
    /** The next token, or undefined at the end of the file. */
    next(): string | undefined {
      while (position < text.length && isSpace(text.charCodeAt(position))) position += 1;
      if (position >= text.length) return undefined;
      const start = position;
      while (position < text.length && !isSpace(text.charCodeAt(position))) position += 1;
      return text.slice(start, position);
    },
    skipLine(): void {
      const end = text.indexOf('\n', position);
      position = end === -1 ? text.length : end + 1;
    },
    /** 1-based line of the current position, for error messages (computed only on error). */
    line(): number {
      let count = 1;
      for (let index = 0; index < position; index += 1) if (text.charCodeAt(index) === 10) count += 1;
      return count;
    },
  };
}

function parseAscii(bytes: Uint8Array, maxTriangles: number): TriangleMesh {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const tokens = createTokenizer(text);
  const sink = createTriangleSink(maxTriangles, Math.min(maxTriangles, Math.ceil(bytes.length / 250)));
  const corner = new Float64Array(3 * 16);

  const truncated = () => modelError('model.truncated', 'the ASCII STL ends in the middle of a facet (the file is cut short)', { line: tokens.line() });
  const expect = (keyword: string) => {
    const token = tokens.next();
    if (token === undefined) throw truncated();
    if (token.toLowerCase() !== keyword) {
      throw modelError('model.corrupt', `expected "${keyword}" but found "${token.slice(0, 20)}" on line ${tokens.line()}`, { line: tokens.line() });
    }
  };
  const number = () => {
    const token = tokens.next();
    if (token === undefined) throw truncated();
    const value = Number(token);
    if (!Number.isFinite(value) || token === '') {
      throw modelError('model.corrupt', `"${token.slice(0, 20)}" on line ${tokens.line()} is not a number`, { line: tokens.line() });
    }
    return value;
  };

  let solids = 0;
  for (;;) {
    const opening = tokens.next();
    if (opening === undefined) break;
    if (opening.toLowerCase() !== 'solid') {
      throw modelError('model.corrupt', `expected "solid" but found "${opening.slice(0, 20)}" on line ${tokens.line()}`, { line: tokens.line() });
    }
    tokens.skipLine();
    solids += 1;
    let closed = false;
    for (;;) {
      const token = tokens.next();
      if (token === undefined) break;
      const keyword = token.toLowerCase();
      if (keyword === 'endsolid') {
        tokens.skipLine();
        closed = true;
        break;
      }
      if (keyword !== 'facet') {
        throw modelError('model.corrupt', `expected "facet" but found "${token.slice(0, 20)}" on line ${tokens.line()}`, { line: tokens.line() });
      }
      expect('normal');
      number();
      number();
      number();
      expect('outer');
      expect('loop');
      let corners = 0;
      for (;;) {
        const inner = tokens.next();
        if (inner === undefined) throw truncated();
        const innerKeyword = inner.toLowerCase();
        if (innerKeyword === 'endloop') break;
        if (innerKeyword !== 'vertex') {
          throw modelError('model.corrupt', `expected "vertex" but found "${inner.slice(0, 20)}" on line ${tokens.line()}`, { line: tokens.line() });
        }
        if (corners >= 16) throw modelError('model.corrupt', `a facet on line ${tokens.line()} has too many corners`, { line: tokens.line() });
        corner[corners * 3] = number();
        corner[corners * 3 + 1] = number();
        corner[corners * 3 + 2] = number();
        corners += 1;
      }
      if (corners < 3) throw modelError('model.corrupt', `a facet before line ${tokens.line()} has fewer than three corners`, { line: tokens.line() });
      expect('endfacet');
      // Three corners is the standard; a few exporters write polygons, split them as a fan.
      for (let index = 1; index + 1 < corners; index += 1) {
        sink.push(
          corner[0] as number, corner[1] as number, corner[2] as number,
          corner[index * 3] as number, corner[index * 3 + 1] as number, corner[index * 3 + 2] as number,
          corner[index * 3 + 3] as number, corner[index * 3 + 4] as number, corner[index * 3 + 5] as number,
        );
      }
    }
    if (!closed) throw modelError('model.truncated', 'the ASCII STL has no "endsolid" (the file is cut short)', { line: tokens.line() });
  }
  if (solids === 0) throw modelError('model.empty', 'the file holds no solid');
  if (sink.count === 0) throw modelError('model.no_geometry', 'the STL holds no triangles');
  return sink.finish();
}

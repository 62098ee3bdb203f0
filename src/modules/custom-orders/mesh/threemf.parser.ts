import { strFromU8, unzipSync } from 'fflate';
import { modelError, sniffForeignFile } from './errors.ts';
import { MAX_TRIANGLES, createFloatList, createTriangleSink, type ParseLimits, type TriangleMesh } from './mesh.ts';

/** Millimetres per 3MF unit (the `unit` attribute of `<model>`; millimetre when absent). */
const UNIT_MM: Readonly<Record<string, number>> = {
  micron: 0.001,
  millimeter: 1,
  centimeter: 10,
  inch: 25.4,
  foot: 304.8,
  meter: 1000,
};

/**
 * Most bytes one model part may inflate to. A 3MF is a ZIP: 20 MB of deflated XML can claim
 * gigabytes, and fflate allocates what the archive declares, so the declaration is checked.
 */
const MAX_PART_BYTES = 256 * 1024 * 1024;
/** Nesting of components in components; deeper is a cycle or an attack. */
const MAX_COMPONENT_DEPTH = 16;
const ROOT_RELATIONSHIP = 'http://schemas.microsoft.com/3dmanufacturing/2013/01/3dmodel';

/** A 3MF affine transform in its own layout: `m00 m01 m02 m10 m11 m12 m20 m21 m22 m30 m31 m32`, row vectors. */
type Transform = Float64Array;

const IDENTITY: Transform = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0);

interface MeshObject {
  vertices: Float64Array;
  vertexCount: number;
  triangles: Uint32Array;
  triangleCount: number;
}

interface ComponentRef {
  objectId: string;
  /** Another model part of the package (3MF production extension), or the same part. */
  path: string;
  transform: Transform;
}

interface ModelPart {
  unitMm: number;
  objects: Map<string, { type: string; mesh?: MeshObject; components: ComponentRef[] }>;
  build: ComponentRef[];
}

/**
 * Parses a 3MF package: unzips it (fflate), finds the root model part through `_rels/.rels`
 * (falling back to `3D/3dmodel.model`), scans its XML for objects, meshes and components,
 * and places every build item with its transform, in millimetres per the `unit` attribute.
 */
export function parseThreeMf(bytes: Uint8Array, limits: ParseLimits = {}): TriangleMesh {
  const maxTriangles = limits.maxTriangles ?? MAX_TRIANGLES;
  if (bytes.length === 0) throw modelError('model.empty', 'the file is empty');
  const isZip = bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
  if (!isZip) {
    const foreign = sniffForeignFile(bytes);
    throw modelError('model.not_a_model', `the file is ${foreign ? `a ${foreign}` : 'not a ZIP package'}, so it is not a 3MF model`, {
      kind: foreign ?? 'unknown',
    });
  }
  if (!hasEndOfCentralDirectory(bytes)) throw modelError('model.truncated', 'the 3MF archive is cut short (its directory is missing)');

  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter: (file) => {
        const name = file.name.toLowerCase();
        const wanted = name === '_rels/.rels' || name.endsWith('.model');
        if (wanted && file.originalSize > MAX_PART_BYTES) {
          throw modelError('model.too_large', `the 3MF part ${file.name} unpacks to more than ${MAX_PART_BYTES / 1024 / 1024} MB`, {
            maxMb: MAX_PART_BYTES / 1024 / 1024,
          });
        }
        return wanted;
      },
    });
  } catch (error) {
    if (error instanceof Error && error.name === 'ModelError') throw error;
    throw modelError('model.corrupt', `the 3MF archive is damaged: ${(error as Error).message}`);
  }

  const byLowerName = new Map(Object.entries(files).map(([name, data]) => [normalisePath(name).toLowerCase(), data]));
  const rels = byLowerName.get('_rels/.rels');
  let rootPath = '3d/3dmodel.model';
  if (rels) {
    const target = findRootTarget(strFromU8(rels));
    if (target) rootPath = normalisePath(target).toLowerCase();
  }
  const parts = new Map<string, ModelPart>();
  const partOf = (path: string): ModelPart => {
    const key = normalisePath(path).toLowerCase();
    const cached = parts.get(key);
    if (cached) return cached;
    const data = byLowerName.get(key);
    if (!data) throw modelError('model.corrupt', `the 3MF refers to ${path}, which is not in the package`);
    const part = parseModelXml(decodeXml(data), key);
    parts.set(key, part);
    return part;
  };
  if (!byLowerName.has(rootPath)) {
    throw modelError('model.not_a_model', 'the ZIP has no 3D/3dmodel.model part, so it is not a 3MF model', { kind: 'ZIP archive' });
  }
  const root = partOf(rootPath);
  const scale = root.unitMm;
  const sink = createTriangleSink(maxTriangles);

  const emit = (ref: ComponentRef, parent: Transform, depth: number) => {
    if (depth > MAX_COMPONENT_DEPTH) throw modelError('model.corrupt', 'the 3MF components nest too deeply (a cycle?)');
    const part = partOf(ref.path);
    const object = part.objects.get(ref.objectId);
    if (!object) throw modelError('model.corrupt', `the 3MF refers to object ${ref.objectId}, which does not exist`);
    if (object.type === 'other') return;
    const world = compose(ref.transform, parent);
    if (object.mesh) emitMesh(object.mesh, world, scale, sink);
    for (const component of object.components) emit(component, world, depth + 1);
  };

  let items = root.build;
  if (items.length === 0) {
    // No <build>: a lenient reading places every object that no other object uses.
    const used = new Set([...root.objects.values()].flatMap((object) => object.components.map((component) => component.objectId)));
    items = [...root.objects.keys()].filter((id) => !used.has(id)).map((id) => ({ objectId: id, path: rootPath, transform: IDENTITY }));
  }
  for (const item of items) emit(item, IDENTITY, 0);
  if (sink.count === 0) throw modelError('model.no_geometry', 'the 3MF holds no triangles');
  return sink.finish();
}

function hasEndOfCentralDirectory(bytes: Uint8Array): boolean {
  const stop = Math.max(0, bytes.length - 22 - 65_535);
  for (let offset = bytes.length - 22; offset >= stop; offset -= 1) {
    if (bytes[offset] === 0x50 && bytes[offset + 1] === 0x4b && bytes[offset + 2] === 0x05 && bytes[offset + 3] === 0x06) return true;
  }
  return false;
}

function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\/+/, '');
}

function decodeXml(data: Uint8Array): string {
  // UTF-16 is allowed by XML and written by a few Windows tools.
  if (data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data);
  if (data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data);
  return strFromU8(data);
}

function findRootTarget(xml: string): string | undefined {
  for (const match of xml.matchAll(/<(?:\w+:)?Relationship\b([^>]*)>/g)) {
    const attributes = readAttributes(match[1] ?? '');
    if (attributes.get('Type') === ROOT_RELATIONSHIP && attributes.get('Target')) return attributes.get('Target');
  }
  return undefined;
}

/** Attributes of a tag as a map, local names (namespace prefixes kept: `p:path`). */
function readAttributes(source: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of source.matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
    attributes.set(match[1] as string, decodeEntities(match[2] ?? match[3] ?? ''));
  }
  return attributes;
}

function decodeEntities(value: string): string {
  if (!value.includes('&')) return value;
  return value
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#x([0-9a-f]+);/gi, (_, hex: string) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&amp;/g, '&');
}

/** The value of attribute `name` in a tag's attribute text, found without building a map (hot path). */
function attributeValue(source: string, name: string): string | undefined {
  let from = 0;
  for (;;) {
    const at = source.indexOf(name, from);
    if (at === -1) return undefined;
    from = at + name.length;
    const before = at === 0 ? 32 : source.charCodeAt(at - 1);
    if (before !== 32 && before !== 9 && before !== 10 && before !== 13) continue;
    let cursor = from;
    while (source.charCodeAt(cursor) === 32) cursor += 1;
    if (source.charCodeAt(cursor) !== 61 /* = */) continue;
    cursor += 1;
    while (source.charCodeAt(cursor) === 32) cursor += 1;
    const quote = source[cursor];
    if (quote !== '"' && quote !== "'") return undefined;
    const end = source.indexOf(quote, cursor + 1);
    return end === -1 ? undefined : source.slice(cursor + 1, end);
  }
}

function parseTransform(raw: string | undefined): Transform {
  if (raw === undefined || raw.trim() === '') return IDENTITY;
  const values = raw.trim().split(/\s+/).map(Number);
  if (values.length !== 12 || values.some((value) => !Number.isFinite(value))) {
    throw modelError('model.corrupt', `the 3MF transform "${raw.slice(0, 60)}" is not twelve numbers`);
  }
  return Float64Array.from(values);
}

/** `first` applied, then `second` (row vectors: p · first · second). */
function compose(first: Transform, second: Transform): Transform {
  const out = new Float64Array(12);
  for (let row = 0; row < 4; row += 1) {
    for (let column = 0; column < 3; column += 1) {
      let sum = 0;
      for (let k = 0; k < 3; k += 1) sum += (first[row * 3 + k] as number) * (second[k * 3 + column] as number);
      if (row === 3) sum += second[9 + column] as number;
      out[row * 3 + column] = sum;
    }
  }
  return out;
}

/**
 * A tolerant scan of a 3MF model part: tags are matched by local name (any namespace
 * prefix), unknown elements are skipped, comments and processing instructions ignored.
 * Enough of XML for 3MF core and components, without a DOM for a 2-million-triangle file.
 */
function parseModelXml(xml: string, path: string): ModelPart {
  const part: ModelPart = { unitMm: 1, objects: new Map(), build: [] };
  const tags = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<!DOCTYPE[^>]*>|<(\/?)([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)([^>]*?)(\/?)>/g;
  let sawModel = false;
  let object: { id: string; type: string; components: ComponentRef[]; mesh?: MeshObject } | undefined;
  let vertices: ReturnType<typeof createFloatList> | undefined;
  let triangles = new Uint32Array(0);
  let triangleCount = 0;
  let inBuild = false;

  for (let match = tags.exec(xml); match; match = tags.exec(xml)) {
    const name = match[3];
    if (!name) continue;
    const closing = match[1] === '/';
    const source = match[4] ?? '';
    switch (name) {
      case 'vertex': {
        if (!vertices) break;
        const x = Number(attributeValue(source, 'x'));
        const y = Number(attributeValue(source, 'y'));
        const z = Number(attributeValue(source, 'z'));
        if (!Number.isFinite(x) || !Number.isFinite(y) || !Number.isFinite(z)) {
          throw modelError('model.corrupt', `a 3MF vertex has a coordinate that is not a number (object ${object?.id ?? '?'})`);
        }
        vertices.push3(x, y, z);
        break;
      }
      case 'triangle': {
        if (!vertices) break;
        const v1 = Number(attributeValue(source, 'v1'));
        const v2 = Number(attributeValue(source, 'v2'));
        const v3 = Number(attributeValue(source, 'v3'));
        if (![v1, v2, v3].every((value) => Number.isInteger(value) && value >= 0)) {
          throw modelError('model.corrupt', `a 3MF triangle has an invalid vertex index (object ${object?.id ?? '?'})`);
        }
        if ((triangleCount + 1) * 3 > triangles.length) {
          const grown = new Uint32Array(Math.max(3 * 1024, triangles.length * 2));
          grown.set(triangles);
          triangles = grown;
        }
        triangles[triangleCount * 3] = v1;
        triangles[triangleCount * 3 + 1] = v2;
        triangles[triangleCount * 3 + 2] = v3;
        triangleCount += 1;
        break;
      }
      case 'model': {
        if (closing) break;
        sawModel = true;
        const unit = readAttributes(source).get('unit') ?? 'millimeter';
        const unitMm = UNIT_MM[unit];
        if (unitMm === undefined) throw modelError('model.corrupt', `the 3MF unit "${unit.slice(0, 20)}" is unknown`);
        part.unitMm = unitMm;
        break;
      }
      case 'object': {
        if (closing) {
          if (object) part.objects.set(object.id, { type: object.type, mesh: object.mesh, components: object.components });
          object = undefined;
          break;
        }
        const attributes = readAttributes(source);
        const id = attributes.get('id');
        if (!id) throw modelError('model.corrupt', 'a 3MF object has no id');
        object = { id, type: attributes.get('type') ?? 'model', components: [] };
        if (match[5] === '/') {
          part.objects.set(object.id, { type: object.type, components: [] });
          object = undefined;
        }
        break;
      }
      case 'mesh': {
        if (!object) break;
        if (!closing) {
          vertices = createFloatList();
          triangles = new Uint32Array(0);
          triangleCount = 0;
          break;
        }
        if (vertices) {
          const vertexCount = vertices.length / 3;
          for (let index = 0; index < triangleCount * 3; index += 1) {
            if ((triangles[index] as number) >= vertexCount) {
              throw modelError('model.corrupt', `a 3MF triangle of object ${object.id} uses vertex ${triangles[index]}, but it has only ${vertexCount}`);
            }
          }
          object.mesh = { vertices: vertices.values, vertexCount, triangles, triangleCount };
        }
        vertices = undefined;
        break;
      }
      case 'component': {
        if (closing || !object) break;
        const attributes = readAttributes(source);
        const objectId = attributes.get('objectid');
        if (!objectId) throw modelError('model.corrupt', 'a 3MF component has no objectid');
        object.components.push({ objectId, path: attributes.get('p:path') ?? path, transform: parseTransform(attributes.get('transform')) });
        break;
      }
      case 'build':
        inBuild = !closing && match[5] !== '/';
        break;
      case 'item': {
        if (closing || !inBuild) break;
        const attributes = readAttributes(source);
        const objectId = attributes.get('objectid');
        if (!objectId) throw modelError('model.corrupt', 'a 3MF build item has no objectid');
        part.build.push({ objectId, path: attributes.get('p:path') ?? path, transform: parseTransform(attributes.get('transform')) });
        break;
      }
      default:
        break;
    }
  }
  if (!sawModel) throw modelError('model.corrupt', `the 3MF part ${path} is not a <model> document`);
  if (vertices || object) throw modelError('model.truncated', `the 3MF part ${path} ends in the middle of an object`);
  return part;
}

function emitMesh(mesh: MeshObject, transform: Transform, scale: number, sink: ReturnType<typeof createTriangleSink>): void {
  const at = (index: number) => transform[index] as number;
  const m00 = at(0), m01 = at(1), m02 = at(2), m10 = at(3), m11 = at(4), m12 = at(5);
  const m20 = at(6), m21 = at(7), m22 = at(8), m30 = at(9), m31 = at(10), m32 = at(11);
  const v = mesh.vertices;
  const corner = new Float64Array(9);
  for (let triangle = 0; triangle < mesh.triangleCount; triangle += 1) {
    for (let k = 0; k < 3; k += 1) {
      const index = (mesh.triangles[triangle * 3 + k] as number) * 3;
      const x = v[index] as number;
      const y = v[index + 1] as number;
      const z = v[index + 2] as number;
      corner[k * 3] = (x * m00 + y * m10 + z * m20 + m30) * scale;
      corner[k * 3 + 1] = (x * m01 + y * m11 + z * m21 + m31) * scale;
      corner[k * 3 + 2] = (x * m02 + y * m12 + z * m22 + m32) * scale;
    }
    sink.push(
      corner[0] as number, corner[1] as number, corner[2] as number,
      corner[3] as number, corner[4] as number, corner[5] as number,
      corner[6] as number, corner[7] as number, corner[8] as number,
    );
  }
}

import { modelError } from './errors.ts';
import { measureMesh, type MeshMeasurements } from './measure.ts';
import type { ParseLimits, TriangleMesh } from './mesh.ts';
import { parseObj } from './obj.parser.ts';
import { parseStl } from './stl.parser.ts';
import { parseThreeMf } from './threemf.parser.ts';

/** Model formats Lavka reads. */
export const MODEL_FORMATS = ['stl', 'obj', '3mf'] as const;
/** One of {@link MODEL_FORMATS}. */
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** The format a file name says it is, or undefined for any other extension. */
export function formatOfFileName(fileName: string): ModelFormat | undefined {
  const extension = /\.([a-z0-9]{1,8})$/i.exec(fileName.trim())?.[1]?.toLowerCase();
  return (MODEL_FORMATS as readonly string[]).includes(extension ?? '') ? (extension as ModelFormat) : undefined;
}

/** Parses a model in a known format into a triangle soup in millimetres. */
export function parseModel(bytes: Uint8Array, format: ModelFormat, limits: ParseLimits = {}): TriangleMesh {
  switch (format) {
    case 'stl':
      return parseStl(bytes, limits);
    case 'obj':
      return parseObj(bytes, limits);
    case '3mf':
      return parseThreeMf(bytes, limits);
  }
}

/** A parsed and measured model. */
export interface AnalysedModel {
  format: ModelFormat;
  mesh: TriangleMesh;
  measurements: MeshMeasurements;
}

/**
 * Reads a model file by its name and bytes: picks the parser by extension, parses, measures.
 * Refuses unknown extensions and models without volume with a {@link ModelError}.
 */
export function analyseModel(bytes: Uint8Array, fileName: string, limits: ParseLimits = {}): AnalysedModel {
  const format = formatOfFileName(fileName);
  if (!format) {
    throw modelError('model.unsupported_format', `${fileName.slice(0, 60)} is not an STL, OBJ or 3MF file`, { fileName: fileName.slice(0, 60) });
  }
  const mesh = parseModel(bytes, format, limits);
  const measurements = measureMesh(mesh);
  if (measurements.sizeMm.every((size) => size === 0) || measurements.triangleCount === measurements.degenerateTriangles) {
    throw modelError('model.no_geometry', 'every triangle of the model is collapsed to a line or a point');
  }
  return { format, mesh, measurements };
}

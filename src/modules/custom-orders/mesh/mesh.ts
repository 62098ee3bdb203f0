import { modelError } from './errors.ts';

/**
 * A model as a triangle soup in millimetres: nine floats per triangle (three corners of x, y,
 * z). Soup rather than indexed, because STL is a soup and every format reduces to it;
 * topology is recovered by welding in `measure.ts`. Float32 halves the memory of a 2-million-
 * triangle model, and measurement re-centres the coordinates before summing in float64.
 */
export interface TriangleMesh {
  positions: Float32Array;
  triangleCount: number;
}

/** Most triangles one file may have: a 20 MB binary STL holds ~400 000, and 3MF can expand. */
export const MAX_TRIANGLES = 2_000_000;

/** Limits a parser enforces. */
export interface ParseLimits {
  maxTriangles?: number;
}

/** Collects triangles into a growing Float32Array, so parsers need not know the count up front. */
export function createTriangleSink(maxTriangles = MAX_TRIANGLES, initialTriangles = 1024) {
  let positions = new Float32Array(Math.max(1, Math.min(initialTriangles, maxTriangles)) * 9);
  let count = 0;
  const ensure = () => {
    if (count >= maxTriangles) {
      throw modelError('model.too_many_triangles', `the model has more than ${maxTriangles} triangles`, { maxTriangles });
    }
    if ((count + 1) * 9 > positions.length) {
      const grown = new Float32Array(Math.min(positions.length * 2, maxTriangles * 9));
      grown.set(positions);
      positions = grown;
    }
  };
  return {
    /** Appends one triangle given by its corners. */
    push(ax: number, ay: number, az: number, bx: number, by: number, bz: number, cx: number, cy: number, cz: number): void {
      ensure();
      const offset = count * 9;
      positions[offset] = ax;
      positions[offset + 1] = ay;
      positions[offset + 2] = az;
      positions[offset + 3] = bx;
      positions[offset + 4] = by;
      positions[offset + 5] = bz;
      positions[offset + 6] = cx;
      positions[offset + 7] = cy;
      positions[offset + 8] = cz;
      count += 1;
    },
    get count(): number {
      return count;
    },
    /** The collected mesh, trimmed to size. */
    finish(): TriangleMesh {
      return { positions: positions.slice(0, count * 9), triangleCount: count };
    },
  };
}

/** A Float64 list that grows by doubling, for vertex tables of indexed formats. */
export function createFloatList(initial = 3072) {
  let values = new Float64Array(initial);
  let length = 0;
  return {
    push3(x: number, y: number, z: number): void {
      if (length + 3 > values.length) {
        const grown = new Float64Array(values.length * 2);
        grown.set(values);
        values = grown;
      }
      values[length] = x;
      values[length + 1] = y;
      values[length + 2] = z;
      length += 3;
    },
    get length(): number {
      return length;
    },
    get values(): Float64Array {
      return values;
    },
  };
}

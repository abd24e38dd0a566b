/** Row-major points: `data[i * dim + j]` is coordinate j of point i. */
export interface PointMatrix {
  data: Float64Array;
  rows: number;
  dim: number;
}

/**
 * Copies `points` into one flat array, checking that every row has the same length and that
 * every coordinate is finite — a NaN feature would otherwise poison every distance silently.
 * `what` names the argument in errors (`"pca() points"`).
 */
export function toPointMatrix(points: ReadonlyArray<ArrayLike<number>>, what: string): PointMatrix {
  const rows = points.length;
  const dim = rows === 0 ? 0 : (points[0] as ArrayLike<number>).length;
  const data = new Float64Array(rows * dim);
  for (let i = 0; i < rows; i++) {
    const row = points[i] as ArrayLike<number>;
    if (row.length !== dim) {
      throw new RangeError(`${what}: every point needs the same number of coordinates; point 0 has ${dim}, point ${i} has ${row.length}`);
    }
    for (let j = 0; j < dim; j++) {
      const x = row[j] as number;
      if (typeof x !== "number" || !Number.isFinite(x)) {
        throw new RangeError(`${what}: point ${i}, coordinate ${j} is ${String(x)}; every coordinate must be a finite number`);
      }
      data[i * dim + j] = x;
    }
  }
  return { data, rows, dim };
}

/** Rows of a flat row-major array as plain arrays. */
export function toRows(data: Float64Array, rows: number, dim: number): number[][] {
  const out: number[][] = new Array(rows);
  for (let i = 0; i < rows; i++) out[i] = Array.from(data.subarray(i * dim, (i + 1) * dim));
  return out;
}

import { topEigen } from "./_symmetric_eigen.ts";

/**
 * The Gram matrix (x_i − g)·(x_j − g) of every feature whose label is among the top labels, g
 * their mean, so that each small pair's PCA needs only lookups into it: a pair with fewer points
 * than dimensions is decomposed through its n × n Gram matrix (as `pca()` does), and forming that
 * from the points was O(n²·d) per pair — most of the analysis for 861 pairs of ~40 points.
 */
export interface FeatureGram {
  /** Row of each feature index in `values` (absent: not a top-label feature). */
  position: Map<number, number>;
  size: number;
  /** size × size, row-major. */
  values: Float64Array;
}

/** The centred Gram matrix of the features at `rows` of `data` (row-major, `dim` wide). */
export function featureGram(data: Float64Array, dim: number, rows: readonly number[]): FeatureGram {
  const size = rows.length;
  const centre = new Float64Array(dim);
  for (const r of rows) for (let j = 0; j < dim; j++) centre[j] = (centre[j] as number) + (data[r * dim + j] as number) / size;
  const x = new Float64Array(size * dim);
  rows.forEach((r, i) => {
    for (let j = 0; j < dim; j++) x[i * dim + j] = (data[r * dim + j] as number) - (centre[j] as number);
  });
  const values = new Float64Array(size * size);
  for (let i = 0; i < size; i++) {
    for (let k = i; k < size; k++) {
      let dot = 0;
      for (let j = 0; j < dim; j++) dot += (x[i * dim + j] as number) * (x[k * dim + j] as number);
      values[i * size + k] = dot;
      values[k * size + i] = dot;
    }
  }
  return { position: new Map(rows.map((r, i) => [r, i])), size, values };
}

/**
 * The pair's points (`rows`) projected onto their top-k principal components: with G the pair's
 * Gram matrix centred on the pair's mean (G_ij − c_i − c_j + c̄ from the shared one), the
 * projection on component c is √λ_c·u_c, the same subspace and distances as `pca()` of the
 * points (signs may differ; distances do not see them). Directions whose variance is round-off
 * (λ ≤ n·ε·λ_max, as `pca()` drops them) project to 0.
 */
export function pairProjectionFromGram(gram: FeatureGram, rows: readonly number[], k: number, lapack: boolean): number[][] {
  const n = rows.length;
  const at = rows.map((r) => {
    const p = gram.position.get(r);
    if (p === undefined) throw new Error(`pairProjectionFromGram: feature ${r} is not in the Gram matrix`);
    return p;
  });
  const g = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = (at[i] as number) * gram.size;
    for (let j = 0; j < n; j++) g[i * n + j] = gram.values[row + (at[j] as number)] as number;
  }
  const mean = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += g[i * n + j] as number;
    mean[i] = s / n;
    total += s;
  }
  total /= n * n;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) g[i * n + j] = (g[i * n + j] as number) - (mean[i] as number) - (mean[j] as number) + total;
  const { values, vectors } = topEigen(g, n, k, lapack);
  const top = Math.max(values[0] as number, 0);
  const scale = Array.from({ length: k }, (_, c) => ((values[c] as number) > n * 2 ** -52 * top ? Math.sqrt(values[c] as number) : 0));
  return rows.map((_, i) => Array.from({ length: k }, (_, c) => (scale[c] as number) * (vectors[c * n + i] as number)));
}

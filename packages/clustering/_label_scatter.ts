import { topEigen } from "./_symmetric_eigen.ts";

/**
 * Per-label sufficient statistics for the PCA of any union of two labels' features: the count,
 * the sum and the scatter Σ (x − g)(x − g)ᵀ of each label's features about the mean g of all of
 * them. A pair's covariance is then S_a + S_b − n·m·mᵀ (m its mean about g) — O(d²) per pair
 * instead of the O(n·d²) of forming it from its n points, which for the 861 pairs of spec §6.5
 * was most of the analysis. Centring on g first keeps the subtraction well conditioned (features
 * far from the origin would otherwise cancel).
 */
export interface LabelScatter {
  dim: number;
  /** The mean of every feature the statistics cover. */
  centre: Float64Array;
  count: Map<number, number>;
  sum: Map<number, Float64Array>;
  /** Upper triangle used; d × d row-major. */
  scatter: Map<number, Float64Array>;
}

/** The statistics of the features whose label is in `labels`. */
export function labelScatter(data: Float64Array, dim: number, labelsOf: ArrayLike<number>, labels: readonly number[]): LabelScatter {
  const keep = new Set(labels);
  const centre = new Float64Array(dim);
  let total = 0;
  for (let i = 0; i < labelsOf.length; i++) {
    if (!keep.has(labelsOf[i] as number)) continue;
    total++;
    for (let j = 0; j < dim; j++) centre[j] = (centre[j] as number) + (data[i * dim + j] as number);
  }
  for (let j = 0; j < dim; j++) centre[j] = (centre[j] as number) / Math.max(1, total);
  const count = new Map<number, number>();
  const sum = new Map<number, Float64Array>();
  const scatter = new Map<number, Float64Array>();
  for (const label of labels) {
    count.set(label, 0);
    sum.set(label, new Float64Array(dim));
    scatter.set(label, new Float64Array(dim * dim));
  }
  const x = new Float64Array(dim);
  for (let i = 0; i < labelsOf.length; i++) {
    const label = labelsOf[i] as number;
    if (!keep.has(label)) continue;
    for (let j = 0; j < dim; j++) x[j] = (data[i * dim + j] as number) - (centre[j] as number);
    count.set(label, (count.get(label) as number) + 1);
    const s = sum.get(label) as Float64Array;
    const c = scatter.get(label) as Float64Array;
    for (let p = 0; p < dim; p++) {
      const xp = x[p] as number;
      s[p] = (s[p] as number) + xp;
      if (xp === 0) continue;
      const row = p * dim;
      for (let q = p; q < dim; q++) c[row + q] = (c[row + q] as number) + xp * (x[q] as number);
    }
  }
  return { dim, centre, count, sum, scatter };
}

/**
 * The pair's points (`rows`, indices into `data`) projected onto the top-k principal components
 * of the pair's features, from the per-label statistics: the same subspace as `pca()` of those
 * points, so the same distances and silhouette (signs may differ; distances do not see them).
 */
export function pairProjection(stats: LabelScatter, a: number, b: number, data: Float64Array, rows: readonly number[], k: number, lapack: boolean): number[][] {
  const d = stats.dim;
  const n = (stats.count.get(a) as number) + (stats.count.get(b) as number);
  const sa = stats.sum.get(a) as Float64Array;
  const sb = stats.sum.get(b) as Float64Array;
  const ca = stats.scatter.get(a) as Float64Array;
  const cb = stats.scatter.get(b) as Float64Array;
  const mean = new Float64Array(d);
  for (let j = 0; j < d; j++) mean[j] = ((sa[j] as number) + (sb[j] as number)) / n;
  const cov = new Float64Array(d * d);
  for (let p = 0; p < d; p++) {
    for (let q = p; q < d; q++) {
      const value = (ca[p * d + q] as number) + (cb[p * d + q] as number) - n * (mean[p] as number) * (mean[q] as number);
      cov[p * d + q] = value;
      cov[q * d + p] = value;
    }
  }
  const { vectors } = topEigen(cov, d, k, lapack);
  return rows.map((i) => {
    const point = new Array<number>(k).fill(0);
    for (let c = 0; c < k; c++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += ((data[i * d + j] as number) - (stats.centre[j] as number) - (mean[j] as number)) * (vectors[c * d + j] as number);
      point[c] = dot;
    }
    return point;
  });
}

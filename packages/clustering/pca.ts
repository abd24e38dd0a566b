import { toPointMatrix } from "./_matrix.ts";
import { topEigen } from "./_symmetric_eigen.ts";

/** What {@linkcode pca} returns; the fields mirror scikit-learn's `PCA` attributes. */
export interface PcaResult {
  /** The points projected onto the components: n rows of k coordinates (sklearn's `fit_transform`). */
  points: number[][];
  /** Each component's share of the total variance, largest first (`explained_variance_ratio_`). */
  explainedVarianceRatio: number[];
  /** The variance along each component, with the n − 1 denominator (`explained_variance_`). */
  explainedVariance: number[];
  /** k unit vectors of d coordinates, orthogonal to each other (`components_`). */
  components: number[][];
  /** The mean that was subtracted before projecting (`mean_`). */
  mean: number[];
}

/** Options of {@linkcode pca}. */
export interface PcaOptions {
  /**
   * Decompose with LAPACK (dsyevr, through `@ual/blas`) when it loads — only the k components
   * are computed, which makes the per-pair PCA of spec §6.5 ~40× faster at d = 128 — else in
   * JavaScript (Jacobi). Default true; the results agree to round-off (both are checked
   * against scikit-learn).
   */
  lapack?: boolean;
}

/**
 * Principal component analysis as scikit-learn's `PCA(n_components=k)` computes it (spec §6.5
 * item 3): the points are centred on their mean, not scaled and not whitened, and projected onto
 * the k directions of largest variance.
 *
 * The components are exact: eigenvectors of XᵀX (d × d) when d ≤ n, or, when there are fewer
 * points than dimensions, of the Gram matrix XXᵀ (n × n), mapped back as v = Xᵀu/σ — so a
 * 4096-d feature set of 300 points costs a 300 × 300 decomposition. Components the data do not
 * span (rank deficiency: e.g. n ≤ k, or collinear points) are completed to an orthonormal set and
 * get a variance of 0 and projections of 0.
 *
 * Signs follow sklearn's `svd_flip`: in each projected column, the entry of largest magnitude is
 * positive. Distances in the projected space — and so the silhouette — never depend on the signs.
 *
 * When every point is the same, the total variance is 0 and the ratios are NaN, as in sklearn.
 *
 * @param points n points of d coordinates, n ≥ 2.
 * @param k the number of components, 1 ≤ k ≤ min(n, d) (sklearn's limit).
 * @throws {RangeError} for ragged or non-finite input, n < 2, or k out of range.
 *
 * @example
 * ```ts
 * const { points, explainedVarianceRatio } = pca([[0, 0], [2, 2], [4, 4.5]], 1);
 * // points ≈ [[-2.948], [-0.125], [3.073]], explainedVarianceRatio ≈ [0.99899]
 * ```
 */
export function pca(points: ReadonlyArray<ArrayLike<number>>, k: number, options: PcaOptions = {}): PcaResult {
  const lapack = options.lapack ?? true;
  const { data, rows: n, dim: d } = toPointMatrix(points, "pca() points");
  if (n < 2) throw new RangeError(`pca() needs at least 2 points, got ${n}`);
  if (!Number.isInteger(k) || k < 1 || k > Math.min(n, d)) {
    throw new RangeError(`pca(): k must be an integer from 1 to min(points, dimensions) = ${Math.min(n, d)}, got ${k}`);
  }

  // Two-pass mean, then centre: forming XᵀX from uncentred data would cancel catastrophically
  // when the features sit far from the origin (hidden states often do).
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) + (data[i * d + j] as number);
  for (let j = 0; j < d; j++) mean[j] = (mean[j] as number) / n;
  const x = new Float64Array(n * d);
  let totalSquares = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const centred = (data[i * d + j] as number) - (mean[j] as number);
      x[i * d + j] = centred;
      totalSquares += centred * centred;
    }
  }

  const components = d <= n ? componentsFromCovariance(x, n, d, k, lapack) : componentsFromGram(x, n, d, k, lapack);

  const projected: number[][] = Array.from({ length: n }, () => new Array<number>(k).fill(0));
  const explainedVariance: number[] = [];
  for (let c = 0; c < k; c++) {
    const v = components[c] as Float64Array;
    let sumSquares = 0;
    let largest = 0;
    let largestAt = 0;
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let j = 0; j < d; j++) dot += (x[i * d + j] as number) * (v[j] as number);
      column[i] = dot;
      sumSquares += dot * dot;
      if (Math.abs(dot) > largest) {
        largest = Math.abs(dot);
        largestAt = i;
      }
    }
    // sklearn's svd_flip (u-based): the first entry of largest magnitude becomes positive.
    const sign = (column[largestAt] as number) < 0 ? -1 : 1;
    if (sign < 0) for (let j = 0; j < d; j++) v[j] = -(v[j] as number);
    for (let i = 0; i < n; i++) (projected[i] as number[])[c] = sign * (column[i] as number);
    // ‖Xv‖² is σ², computed from the projection itself rather than the eigenvalue, so it is
    // consistent with the points returned.
    explainedVariance.push(sumSquares / (n - 1));
  }
  // The ratio's denominator is the trace of the covariance, i.e. the sum over every component
  // (sklearn sums all singular values of the full SVD); taken from the data, it needs none of
  // the small eigenvalues.
  const totalVariance = totalSquares / (n - 1);
  return {
    points: projected,
    explainedVarianceRatio: explainedVariance.map((variance) => variance / totalVariance),
    explainedVariance,
    components: components.map((v) => Array.from(v)),
    mean: Array.from(mean),
  };
}

/** The top-k eigenvectors of XᵀX (d × d). */
function componentsFromCovariance(x: Float64Array, n: number, d: number, k: number, lapack: boolean): Float64Array[] {
  const scatter = new Float64Array(d * d);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let p = 0; p < d; p++) {
      const xp = x[row + p] as number;
      if (xp === 0) continue;
      for (let q = p; q < d; q++) scatter[p * d + q] = (scatter[p * d + q] as number) + xp * (x[row + q] as number);
    }
  }
  for (let p = 0; p < d; p++) for (let q = 0; q < p; q++) scatter[p * d + q] = scatter[q * d + p] as number;
  const { vectors } = topEigen(scatter, d, k, lapack);
  return Array.from({ length: k }, (_, c) => vectors.slice(c * d, (c + 1) * d));
}

/** The top-k right-singular vectors from the eigenvectors u of XXᵀ (n × n): v = Xᵀu / ‖Xᵀu‖. */
function componentsFromGram(x: Float64Array, n: number, d: number, k: number, lapack: boolean): Float64Array[] {
  const gram = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += (x[i * d + c] as number) * (x[j * d + c] as number);
      gram[i * n + j] = dot;
      gram[j * n + i] = dot;
    }
  }
  const { values, vectors } = topEigen(gram, n, k, lapack);
  const top = Math.max(values[0] as number, 0);
  const out: Float64Array[] = [];
  for (let c = 0; c < k; c++) {
    const v = new Float64Array(d);
    // Below this σ² the direction Xᵀu is round-off, not data (centring leaves rank ≤ n − 1,
    // so with n ≤ d the last Gram eigenvalue is always such a zero).
    if ((values[c] as number) > n * 2 ** -52 * top) {
      for (let i = 0; i < n; i++) {
        const ui = vectors[c * n + i] as number;
        for (let j = 0; j < d; j++) v[j] = (v[j] as number) + ui * (x[i * d + j] as number);
      }
    }
    out.push(orthonormalise(v, out, d));
  }
  return out;
}

/**
 * v made orthogonal to `basis` (two passes of Gram–Schmidt, enough in double precision) and of
 * unit length; when nothing of v is left, the first coordinate axis that still is, which keeps
 * the components orthonormal where the data span fewer than k directions.
 */
function orthonormalise(v: Float64Array, basis: readonly Float64Array[], d: number): Float64Array {
  const initial = norm(v);
  for (let pass = 0; pass < 2; pass++) for (const b of basis) subtractProjection(v, b, d);
  const remaining = norm(v);
  if (initial > 0 && remaining > 1e-8 * initial) return scale(v, 1 / remaining);
  // The axis least covered by the basis: its residual² is 1 − Σ b[axis]², and since the basis
  // has fewer than d vectors, the best axis keeps at least 1/d of its length.
  let axis = 0;
  let covered = Infinity;
  for (let j = 0; j < d; j++) {
    let sum = 0;
    for (const b of basis) sum += (b[j] as number) ** 2;
    if (sum < covered) {
      covered = sum;
      axis = j;
    }
  }
  const e = new Float64Array(d);
  e[axis] = 1;
  for (let pass = 0; pass < 2; pass++) for (const b of basis) subtractProjection(e, b, d);
  return scale(e, 1 / norm(e));
}

function subtractProjection(v: Float64Array, b: Float64Array, d: number): void {
  let dot = 0;
  for (let j = 0; j < d; j++) dot += (v[j] as number) * (b[j] as number);
  for (let j = 0; j < d; j++) v[j] = (v[j] as number) - dot * (b[j] as number);
}

function norm(v: Float64Array): number {
  let sum = 0;
  for (const x of v) sum += x * x;
  return Math.sqrt(sum);
}

function scale(v: Float64Array, factor: number): Float64Array {
  for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) * factor;
  return v;
}

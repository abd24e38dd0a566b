import { loadBlas } from "@ual/blas";
/** Eigenvalues (descending) and unit eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  values: Float64Array;
  /** Column-major: eigenvector j is `vectors[j * size .. (j + 1) * size)`. */
  vectors: Float64Array;
  size: number;
  sweeps: number;
}

const EPSILON = 2 ** -52;
const MAX_SWEEPS = 100;

/**
 * Eigen-decomposition of a symmetric `size × size` matrix (row-major; only read, never
 * modified) by the cyclic Jacobi method: plane rotations zero one off-diagonal entry at a time
 * until none is left that matters.
 *
 * Jacobi is slower than QR-based solvers (O(size³) per sweep, 5–10 sweeps) but it is short,
 * needs no tridiagonalisation, always returns an orthonormal basis — also for repeated and zero
 * eigenvalues, which rank-deficient PCA produces — and for positive semi-definite matrices (a
 * covariance or Gram matrix) computes even the small eigenvalues to high relative accuracy
 * (Demmel & Veselić 1992). The skip rule below is theirs: an entry is negligible when
 * |a_pq| ≤ ε·√(a_pp·a_qq).
 */
export function symmetricEigen(matrix: Float64Array, size: number): SymmetricEigen {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(size * size);
  for (let i = 0; i < size; i++) v[i * size + i] = 1;

  // Entries below this are round-off whatever the diagonal says (a zero-variance feature has
  // a_pp = 0, and the relative rule alone would then never let its row converge).
  let scale = 0;
  for (let i = 0; i < size; i++) scale = Math.max(scale, Math.abs(a[i * size + i] as number));
  const tiny = EPSILON * EPSILON * scale;

  let sweeps = 0;
  for (; sweeps < MAX_SWEEPS; sweeps++) {
    let rotated = false;
    for (let p = 0; p < size - 1; p++) {
      for (let q = p + 1; q < size; q++) {
        const apq = a[p * size + q] as number;
        const app = a[p * size + p] as number;
        const aqq = a[q * size + q] as number;
        if (Math.abs(apq) <= tiny || Math.abs(apq) <= EPSILON * Math.sqrt(Math.abs(app * aqq))) {
          a[p * size + q] = 0;
          a[q * size + p] = 0;
          continue;
        }
        rotated = true;
        // The rotation angle φ with cot 2φ = θ zeroes a_pq; t = tan φ is the smaller root of
        // t² + 2θt − 1 = 0, written so that it neither cancels nor overflows for large θ.
        const theta = (aqq - app) / (2 * apq);
        const t = Math.abs(theta) > 1e153 ? 1 / (2 * theta) : Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        a[p * size + p] = app - t * apq;
        a[q * size + q] = aqq + t * apq;
        a[p * size + q] = 0;
        a[q * size + p] = 0;
        for (let r = 0; r < size; r++) {
          if (r === p || r === q) continue;
          const arp = a[r * size + p] as number;
          const arq = a[r * size + q] as number;
          const newP = c * arp - s * arq;
          const newQ = s * arp + c * arq;
          a[r * size + p] = newP;
          a[p * size + r] = newP;
          a[r * size + q] = newQ;
          a[q * size + r] = newQ;
        }
        // Accumulated with eigenvectors stored column-major, so that column p is contiguous.
        for (let r = 0; r < size; r++) {
          const vrp = v[p * size + r] as number;
          const vrq = v[q * size + r] as number;
          v[p * size + r] = c * vrp - s * vrq;
          v[q * size + r] = s * vrp + c * vrq;
        }
      }
    }
    if (!rotated) break;
  }
  if (sweeps === MAX_SWEEPS) throw new Error(`symmetric eigen-decomposition did not converge in ${MAX_SWEEPS} sweeps (size ${size})`);

  const order = Array.from({ length: size }, (_, i) => i).sort((i, j) => (a[j * size + j] as number) - (a[i * size + i] as number));
  const values = new Float64Array(size);
  const vectors = new Float64Array(size * size);
  order.forEach((from, to) => {
    values[to] = a[from * size + from] as number;
    vectors.set(v.subarray(from * size, (from + 1) * size), to * size);
  });
  return { values, vectors, size, sweeps: sweeps + 1 };
}

/**
 * The k largest eigenvalues (descending) and their unit eigenvectors (vector j at `j·size`) of a
 * symmetric matrix, by `@ual/blas`'s native solver when the addon loads — LAPACK's dsyevr where a
 * system library has it, else the addon's own (tridiagonalisation, bisection, inverse iteration);
 * either computes only those k: a 128 × 128 covariance in 0.3–0.7 ms instead of the ~12 ms a full
 * Jacobi decomposition takes in JavaScript — else {@linkcode symmetricEigen}. `lapack: false`
 * forces the JavaScript path.
 */
export function topEigen(matrix: Float64Array, size: number, k: number, lapack = true): { values: Float64Array; vectors: Float64Array } {
  if (lapack) {
    const load = loadBlas();
    if (load.status === "loaded") {
      const top = load.blas.symmetricTop(matrix, size, k);
      // MRRR returns the vectors of a cluster of tiny or equal eigenvalues orthogonal only to
      // ~1e-8 (seen on rank-deficient PCA); two Gram–Schmidt passes restore ~1e-16 and leave
      // well-separated vectors as they are.
      reorthonormalise(top.vectors, size, k);
      return top;
    }
  }
  const { values, vectors } = symmetricEigen(matrix, size);
  return { values: values.slice(0, k), vectors: vectors.slice(0, k * size) };
}

/** Two passes of modified Gram–Schmidt over the k vectors at `j·size`, in place. */
function reorthonormalise(vectors: Float64Array, size: number, k: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < k; j++) {
      const v = vectors.subarray(j * size, (j + 1) * size);
      for (let i = 0; i < j; i++) {
        const b = vectors.subarray(i * size, (i + 1) * size);
        let dot = 0;
        for (let r = 0; r < size; r++) dot += (v[r] as number) * (b[r] as number);
        for (let r = 0; r < size; r++) v[r] = (v[r] as number) - dot * (b[r] as number);
      }
      let sum = 0;
      for (let r = 0; r < size; r++) sum += (v[r] as number) ** 2;
      const length = Math.sqrt(sum);
      if (length > 0) for (let r = 0; r < size; r++) v[r] = (v[r] as number) / length;
    }
  }
}

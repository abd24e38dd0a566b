import { afterAll, describe, expect, it } from "vitest";
import { loadBlas } from "./load_blas.ts";

const load = loadBlas();
const blas = load.status === "loaded" ? load.blas : undefined;
const paths = blas?.kernelPaths() ?? [];
// "system": LAPACK's dsyevr where the system library has it; the first own path: ual_eigen.c
const eigenPaths = [...new Set([paths.includes("system") ? "system" : undefined, paths.find((p) => p !== "system")])].filter(
  (p): p is string => p !== undefined,
);

/** A deterministic symmetric matrix: X·Xᵀ (rank ≤ rank) plus a diagonal shift. */
function gram(n: number, rank: number, seed: number, shift = 0): Float64Array {
  const x = Array.from({ length: n * rank }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 43.758 % 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < rank; t++) s += (x[i * rank + t] as number) * (x[j * rank + t] as number);
      a[i * n + j] = s + (i === j ? shift : 0);
    }
  }
  return a;
}

/** Checks the k pairs: A·v = λ·v (relative to ‖A‖), unit and orthogonal vectors, descending values. */
function expectEigenpairs(a: Float64Array, n: number, k: number, top: { values: Float64Array; vectors: Float64Array }, tolerance = 1e-12) {
  let scale = 0;
  for (const v of a) scale = Math.max(scale, Math.abs(v));
  scale = Math.max(scale * n, Number.MIN_VALUE);
  expect(top.values.length).toBe(k);
  expect(top.vectors.length).toBe(k * n);
  for (let c = 0; c < k; c++) {
    if (c > 0) expect(top.values[c]).toBeLessThanOrEqual((top.values[c - 1] as number) + tolerance * scale);
    const v = top.vectors.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < n; i++) {
      let av = 0;
      for (let j = 0; j < n; j++) av += (a[i * n + j] as number) * (v[j] as number);
      expect(Math.abs(av - (top.values[c] as number) * (v[i] as number)) / scale).toBeLessThan(tolerance);
    }
    for (let d = 0; d <= c; d++) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += (v[i] as number) * (top.vectors[d * n + i] as number);
      expect(Math.abs(dot - (c === d ? 1 : 0))).toBeLessThan(1e-12);
    }
  }
}

describe.skipIf(eigenPaths.length === 0)("symmetricTop()", () => {
  afterAll(() => {
    if (paths[0] !== undefined) blas!.useKernels(paths[0]);
  });

  describe.each(eigenPaths)("on the %s path", (path) => {
    const use = () => expect(blas!.useKernels(path)).toBe(true);

    it.each([1, 2, 3, 7, 40, 130])("gives every eigenpair of a %i × %i matrix (k = n): trace and Frobenius norm match", (n) => {
      use();
      const a = gram(n, Math.max(1, Math.floor(n / 2)), n, 0.05);
      const copy = Float64Array.from(a);
      const top = blas!.symmetricTop(a, n, n);
      expect(Array.from(a)).toEqual(Array.from(copy));
      expectEigenpairs(a, n, n, top);
      let trace = 0;
      let frobenius = 0;
      for (let i = 0; i < n; i++) trace += a[i * n + i] as number;
      for (const v of a) frobenius += v * v;
      const sum = top.values.reduce((s, v) => s + v, 0);
      const squares = top.values.reduce((s, v) => s + v * v, 0);
      expect(Math.abs(sum - trace) / trace).toBeLessThan(1e-12);
      expect(Math.abs(squares - frobenius) / frobenius).toBeLessThan(1e-12);
    });

    it("gives the top 2 of a rank-deficient Gram matrix (PCA of points with many duplicates)", () => {
      use();
      // 84 points that are three distinct ones up to 1e-9: two clear eigenvalues, then ~0
      const n = 84;
      const base = [
        [1, 2, 3],
        [-2, 0.5, 1],
        [0.3, -1, 2],
      ];
      const points = Array.from({ length: n }, (_, i) => (base[i % 3] as number[]).map((v, j) => v + 1e-9 * Math.sin(i * 3 + j)));
      const mean = [0, 1, 2].map((j) => points.reduce((s, p) => s + (p[j] as number), 0) / n);
      const a = new Float64Array(n * n);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          a[i * n + j] = [0, 1, 2].reduce((s, t) => s + ((points[i] as number[])[t]! - mean[t]!) * ((points[j] as number[])[t]! - mean[t]!), 0);
        }
      }
      const top = blas!.symmetricTop(a, n, 3);
      expectEigenpairs(a, n, 3, top);
      expect(top.values[1]).toBeGreaterThan(1);
      expect(Math.abs(top.values[2] as number)).toBeLessThan(1e-9 * (top.values[0] as number));
    });

    it("handles the degenerate cases: zero, repeated and tiny eigenvalues", () => {
      use();
      const zero = blas!.symmetricTop(new Float64Array(9), 3, 2);
      expect(Array.from(zero.values)).toEqual([0, 0]);
      expectEigenpairs(new Float64Array(9), 3, 2, zero);
      const identity = new Float64Array([2, 0, 0, 0, 2, 0, 0, 0, 2]);
      const repeated = blas!.symmetricTop(identity, 3, 2);
      expectEigenpairs(identity, 3, 2, repeated);
      for (const v of repeated.values) expect(Math.abs(v - 2)).toBeLessThan(1e-15);
      const diagonal = new Float64Array([1, 0, 0, 0, 3, 0, 0, 0, 2]);
      const ordered = blas!.symmetricTop(diagonal, 3, 3);
      expect(Array.from(ordered.values)).toEqual([3, 2, 1]);
      for (const scale of [1e-300, 1e300]) {
        const a = gram(6, 3, 2, 0.1).map((v) => v * scale);
        const top = blas!.symmetricTop(a, 6, 2);
        expectEigenpairs(a, 6, 2, top);
        expect(Number.isFinite(top.values[0])).toBe(true);
      }
    });

    it("refuses a non-square length, k outside 1..n and non-finite entries", () => {
      use();
      expect(() => blas!.symmetricTop(new Float64Array(8), 3, 1)).toThrow(/n × n/);
      expect(() => blas!.symmetricTop(new Float64Array(9), 3, 4)).toThrow(/1 ≤ k ≤ n/);
      if (path !== "system") expect(() => blas!.symmetricTop(new Float64Array([1, Number.NaN, Number.NaN, 1]), 2, 1)).toThrow(/non-finite/);
    });
  });

  it.skipIf(!eigenPaths.includes("system") || eigenPaths.length < 2)("LAPACK and the own solver agree on separated eigenpairs (up to sign)", () => {
    for (const n of [5, 64, 128]) {
      const a = gram(n, 12, n + 1, 0.01);
      blas!.useKernels("system");
      const lapack = blas!.symmetricTop(a, n, 2);
      blas!.useKernels(eigenPaths[1] as string);
      const own = blas!.symmetricTop(a, n, 2);
      for (let c = 0; c < 2; c++) {
        expect(Math.abs((own.values[c] as number) - (lapack.values[c] as number)) / (lapack.values[0] as number)).toBeLessThan(1e-13);
        let dot = 0;
        for (let i = 0; i < n; i++) dot += (own.vectors[c * n + i] as number) * (lapack.vectors[c * n + i] as number);
        expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-10);
      }
    }
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { loadReference } from "./_reference.ts";
import { pca } from "./pca.ts";

const reference = loadReference();

/** Largest |ours − sklearn's| over a matrix, after flipping each of our columns to sklearn's sign. */
function maxErrorUpToSign(ours: number[][], theirs: number[][]): number {
  const columns = (theirs[0] ?? []).length;
  let worst = 0;
  for (let c = 0; c < columns; c++) {
    let dot = 0;
    theirs.forEach((row, i) => (dot += (row[c] as number) * ((ours[i] as number[])[c] as number)));
    const sign = dot < 0 ? -1 : 1;
    theirs.forEach((row, i) => (worst = Math.max(worst, Math.abs(sign * ((ours[i] as number[])[c] as number) - (row[c] as number)))));
  }
  return worst;
}

const transpose = (m: number[][]): number[][] => (m[0] ?? []).map((_, c) => m.map((row) => row[c] as number));

// Both decompositions: LAPACK's dsyevr (through @ual/blas, the default where it loads) and the JavaScript Jacobi.
for (const lapack of [true, false]) describe(`pca() against scikit-learn (fixtures/reference.json), lapack ${lapack}`, () => {
  test.each(reference.pca.map((c) => [c.name, c]))("%s", (_name, c) => {
    const result = pca(c.points, c.k, { lapack });
    const scale = Math.max(...c.projected.flat().map(Math.abs), 1);
    // Projections up to the sign of each component; rank-deficient components are round-off on
    // both sides, so they are compared in absolute terms.
    expect(maxErrorUpToSign(result.points, c.projected)).toBeLessThan(1e-11 * scale);
    result.explainedVarianceRatio.forEach((ratio, i) => expect(Math.abs(ratio - (c.explainedVarianceRatio[i] as number))).toBeLessThan(1e-12));
    result.explainedVariance.forEach((variance, i) => expect(Math.abs(variance - (c.explainedVariance[i] as number))).toBeLessThan(1e-10 * scale * scale));
    result.mean.forEach((m, j) => expect(m).toBeCloseTo(c.mean[j] as number, 9));
    // Components are compared where the data define them (variance ratio above round-off).
    const defined = c.explainedVarianceRatio.filter((r) => r > 1e-12).length;
    const ours = transpose(result.components.slice(0, defined));
    const theirs = transpose(c.components.slice(0, defined));
    expect(maxErrorUpToSign(ours, theirs)).toBeLessThan(1e-11);
  });

  test("pca() flips signs as sklearn's svd_flip does", () => {
    let agree = 0;
    let total = 0;
    for (const c of reference.pca) {
      const result = pca(c.points, c.k, { lapack });
      c.explainedVarianceRatio.forEach((ratio, col) => {
        if (ratio < 1e-12) return;
        total++;
        const ours = result.points.map((row) => row[col] as number);
        const theirs = c.projected.map((row) => row[col] as number);
        if (ours.every((x, i) => Math.sign(x) === Math.sign(theirs[i] as number) || Math.abs(x) < 1e-12)) agree++;
      });
    }
    expect(agree).toBe(total);
  });
});

describe("pca()", () => {
  test("pca() keeps components orthonormal for a cluster of near-zero variances (CI counterexample, seed 155334970)", () => {
    // Ten points spanning eight directions, six of them ~1e-12 to 1e-6: LAPACK's MRRR alone left
    // two of these components 2e-8 from orthogonal.
    const points = [
      [0, 0, 0, 0, 0, 0, 0, 0, 0, -1.9292320168445347e-7],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, -5.457362956234245e-13],
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, -49.99999999999987, 0, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 0, 0, 0, -49.96860310009976, 0],
      [0, 0, 0, 0, 5.974332140112893e-12, 0, 0, 0, 0, 0],
      [0, 0, -49.9997545321093, 0, 0, 0, 0, 0, 41.961903184652236, 0],
      [0, 0, 0, 0, 0, 0, 49.999999999999886, 0, 0, 0],
      [-49.999999999883066, 0, 0, 33.9287109374999, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 2.220446049250313e-16, -49.99999233661204, 0, 0, 0, 0, 0.0000010021835213053776],
    ];
    for (const lapack of [true, false]) {
      const { components } = pca(points, 8, { lapack });
      components.forEach((a, i) =>
        components.forEach((b, j) => {
          const dot = a.reduce((s, x, c) => s + x * (b[c] as number), 0);
          expect(Math.abs(dot - (i === j ? 1 : 0))).toBeLessThan(1e-12);
        }),
      );
    }
  });

  test("pca() returns orthonormal components and projections equal to (x − mean)·components", () => {
    const matrix = fc.integer({ min: 2, max: 12 }).chain((n) =>
      fc.integer({ min: 1, max: 12 }).chain((d) =>
        fc.tuple(
          fc.array(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: d, maxLength: d }), { minLength: n, maxLength: n }),
          fc.integer({ min: 1, max: Math.min(n, d) }),
        ),
      ),
    );
    fc.assert(
      fc.property(matrix, ([points, k]) => {
        const { points: projected, components, mean, explainedVarianceRatio } = pca(points, k);
        for (let a = 0; a < k; a++) {
          for (let b = 0; b < k; b++) {
            const dot = (components[a] as number[]).reduce((s, x, j) => s + x * ((components[b] as number[])[j] as number), 0);
            expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-9);
          }
        }
        const size = Math.max(1, ...points.flat().map(Math.abs));
        points.forEach((row, i) =>
          components.forEach((v, c) => {
            const dot = row.reduce((s, x, j) => s + (x - (mean[j] as number)) * (v[j] as number), 0);
            expect(Math.abs(dot - ((projected[i] as number[])[c] as number))).toBeLessThan(1e-9 * size);
          }),
        );
        const finite = explainedVarianceRatio.filter(Number.isFinite);
        for (let i = 1; i < finite.length; i++) expect(finite[i] as number).toBeLessThanOrEqual((finite[i - 1] as number) + 1e-12);
        expect(finite.reduce((s, r) => s + r, 0)).toBeLessThanOrEqual(1 + 1e-9);
      }),
      { numRuns: 200 },
    );
  });

  test("pca() takes the Gram route for n < d and agrees with the covariance route", () => {
    // The same 5 points in 8-d, and padded with copies of the mean (which change neither the
    // centred data's span nor the projection directions) to reach n ≥ d.
    const points = [
      [1, 2, 0, 4, 1, 0, 3, 2],
      [0, 1, 2, 2, 5, 1, 0, 0],
      [3, 0, 1, 1, 0, 2, 2, 1],
      [2, 2, 2, 0, 1, 4, 1, 3],
      [0, 3, 1, 2, 2, 1, 4, 0],
    ];
    const mean = points[0]!.map((_, j) => points.reduce((s, row) => s + (row[j] as number), 0) / points.length);
    const padded = [...points, ...Array.from({ length: 5 }, () => mean)];
    const few = pca(points, 2);
    const many = pca(padded, 2);
    few.components.forEach((v, c) => {
      const dot = v.reduce((s, x, j) => s + x * ((many.components[c] as number[])[j] as number), 0);
      expect(Math.abs(Math.abs(dot) - 1)).toBeLessThan(1e-10);
    });
  });

  test("pca() completes the components when the data span fewer than k directions", () => {
    const identical = pca([[1, 2, 3], [1, 2, 3], [1, 2, 3]], 2);
    expect(identical.points).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(identical.explainedVarianceRatio.every(Number.isNaN)).toBe(true);
    const dot = identical.components[0]!.reduce((s, x, j) => s + x * (identical.components[1]![j] as number), 0);
    expect(Math.abs(dot)).toBeLessThan(1e-15);

    // Two points in 50-d: one direction of variance, the second component is a completion.
    const two = pca([Array.from({ length: 50 }, (_, j) => j), Array.from({ length: 50 }, () => 0)], 2);
    expect(two.explainedVarianceRatio[0]).toBeCloseTo(1, 12);
    expect(two.explainedVarianceRatio[1]).toBeLessThan(1e-20);
    expect(Math.abs(two.points[0]![1] as number)).toBeLessThan(1e-10);
  });

  test("pca() rejects what sklearn rejects, with a message", () => {
    expect(() => pca([[1, 2]], 1)).toThrow("at least 2 points");
    expect(() => pca([[1, 2], [3, 4]], 3)).toThrow("k must be an integer from 1 to min(points, dimensions) = 2, got 3");
    expect(() => pca([[1, 2], [3, 4], [5, 6]], 0)).toThrow(RangeError);
    expect(() => pca([[1, 2], [3]], 1)).toThrow("point 0 has 2, point 1 has 1");
    expect(() => pca([[1, 2], [3, Number.NaN]], 1)).toThrow("point 1, coordinate 1 is NaN");
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { symmetricEigen } from "./_symmetric_eigen.ts";

describe("symmetricEigen()", () => {
  test("symmetricEigen() satisfies A·v = λ·v with an orthonormal basis, eigenvalues descending", () => {
    const matrix = fc.integer({ min: 1, max: 9 }).chain((n) =>
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: n * n, maxLength: n * n }).map((entries) => {
        const a = new Float64Array(n * n);
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] = ((entries[i * n + j] as number) + (entries[j * n + i] as number)) / 2;
        return { a, n };
      }),
    );
    fc.assert(
      fc.property(matrix, ({ a, n }) => {
        const { values, vectors } = symmetricEigen(a, n);
        const size = Math.max(1, ...Array.from(a, Math.abs));
        for (let c = 0; c < n; c++) {
          if (c > 0) expect(values[c] as number).toBeLessThanOrEqual(values[c - 1] as number);
          for (let i = 0; i < n; i++) {
            let av = 0;
            for (let j = 0; j < n; j++) av += (a[i * n + j] as number) * (vectors[c * n + j] as number);
            expect(Math.abs(av - (values[c] as number) * (vectors[c * n + i] as number))).toBeLessThan(1e-10 * size * n);
          }
          for (let d = 0; d < n; d++) {
            let dot = 0;
            for (let i = 0; i < n; i++) dot += (vectors[c * n + i] as number) * (vectors[d * n + i] as number);
            expect(Math.abs(dot - (c === d ? 1 : 0))).toBeLessThan(1e-12 * n);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  test("symmetricEigen() handles repeated and zero eigenvalues", () => {
    const { values } = symmetricEigen(Float64Array.from([2, 0, 0, 0, 2, 0, 0, 0, 0]), 3);
    expect(Array.from(values)).toEqual([2, 2, 0]);
  });
});

import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { InfeasibleAlphaError } from "./infeasible_alpha_error.ts";
import { InvalidScoreError } from "./invalid_score_error.ts";
import { truncatedLinear } from "./truncated_linear.ts";

/** A plain Kahan sum, independent of the package's own summation. */
function kahanMean(values: ArrayLike<number>): number {
  let sum = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i]! - c;
    const t = sum + y;
    c = t - sum - y;
    sum = t;
  }
  return sum / values.length;
}

function expectValuesClose(actual: ArrayLike<number>, expected: readonly number[], tolerance: number): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i]! - expected[i]!), `index ${i}: ${actual[i]} vs ${expected[i]}`).toBeLessThanOrEqual(
      tolerance * Math.max(1, Math.abs(expected[i]!)),
    );
  }
}

interface ReferenceCase {
  name: string;
  alpha: number;
  cap: number;
  scores: number[];
  values: number[];
  mean: number;
  iterations: number;
  beta: number;
  exactBeta: number;
}

// Written by fixtures/make_fixtures.py, an independent Python/numpy port of the spec §2.2 loop.
const reference = JSON.parse(readFileSync(new URL("./fixtures/reference.json", import.meta.url), "utf8")) as {
  cases: ReferenceCase[];
};

describe("truncatedLinear() spec §2.3 test vectors", () => {
  test("truncatedLinear() maps [0,10,20,30,90,99] at α 0.1 without clipping (both solvers)", () => {
    const u = [0, 10, 20, 30, 90, 99];
    const expected = [0, 0.024096, 0.048193, 0.072289, 0.216867, 0.238554];
    const exact = truncatedLinear(u, { alpha: 0.1 });
    expect(exact.beta).toBeCloseTo(0.0024096386, 10);
    expectValuesClose(exact.values, expected, 1e-6);
    expect(exact.clipped).toBe(0);
    expect(exact.iterations).toBeUndefined();
    const iterative = truncatedLinear(u, { alpha: 0.1, solver: "iterative" });
    expect(iterative.iterations).toBe(1);
    expectValuesClose(iterative.values, Array.from(exact.values), 1e-15);
    expect(iterative.beta).toBeCloseTo(exact.beta, 15);
  });

  test("truncatedLinear() clips the outlier of [1,1,1,1,100] at α 0.3 with β = 0.1275 (exact)", () => {
    const result = truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3 });
    expect(result.beta).toBeCloseTo(0.1275, 14);
    expectValuesClose(result.values, [0.1275, 0.1275, 0.1275, 0.1275, 0.99], 1e-15);
    expect(result.clipped).toBe(1);
    expect(result.mean).toBeCloseTo(0.3, 15);
  });

  test("truncatedLinear() reproduces the code output for [1,1,1,1,100] at α 0.3: 18 iterations (iterative)", () => {
    const result = truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3, solver: "iterative" });
    expect(result.iterations).toBe(18);
    expectValuesClose(result.values, [0.12665, 0.12665, 0.12665, 0.12665, 0.99], 1e-5);
    expect(result.values[4]).toBe(0.99);
    expect(result.mean).toBeCloseTo(0.29932, 5);
    expect(result.clipped).toBe(1);
    // β is the product of the scale factors: the unclipped values are β·u.
    expect(result.values[0]).toBeCloseTo(result.beta * 1, 14);
  });

  test("truncatedLinear() gives [3,3,3] at α 0.2 the value 0.2 each (both solvers)", () => {
    for (const solver of ["exact", "iterative"] as const) {
      const result = truncatedLinear([3, 3, 3], { alpha: 0.2, solver });
      expect(result.beta).toBeCloseTo(0.2 / 3, 15);
      expectValuesClose(result.values, [0.2, 0.2, 0.2], 1e-15);
    }
  });

  test("truncatedLinear() rejects [0,0,0,5] at α 0.3 as infeasible (max mean 0.2475) instead of looping", () => {
    for (const solver of ["exact", "iterative"] as const) {
      let error: unknown;
      try {
        truncatedLinear([0, 0, 0, 5], { alpha: 0.3, solver });
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(InfeasibleAlphaError);
      const infeasible = error as InfeasibleAlphaError;
      expect(infeasible.maxMean).toBeCloseTo(0.2475, 15);
      expect(infeasible.nonZeroShare).toBe(0.25);
      expect(infeasible.message).toContain("alpha 0.3");
      expect(infeasible.message).toContain("cap 0.99");
      expect(infeasible.message).toContain("1 of 4 scores (25%)");
      expect(infeasible.message).toContain("0.2475");
      expect(infeasible.message).toContain("constant mapper");
    }
  });
});

describe("truncatedLinear() against the Python reference (fixtures/reference.json)", () => {
  test("truncatedLinear() has reference cases that clip", () => {
    expect(reference.cases.length).toBeGreaterThanOrEqual(8);
    expect(reference.cases.filter((c) => c.values.some((v) => v >= c.cap)).length).toBeGreaterThanOrEqual(4);
  });

  for (const c of reference.cases) {
    test(`truncatedLinear() iterative matches the reference loop: ${c.name}`, () => {
      const result = truncatedLinear(c.scores, { alpha: c.alpha, cap: c.cap, solver: "iterative" });
      expect(result.iterations).toBe(c.iterations);
      expectValuesClose(result.values, c.values, 1e-12);
      expect(result.mean).toBeCloseTo(c.mean, 12);
      expect(Math.abs(result.beta - c.beta)).toBeLessThanOrEqual(1e-12 * c.beta);
    });

    test(`truncatedLinear() exact matches the bisection β and keeps mean ε = α: ${c.name}`, () => {
      const result = truncatedLinear(c.scores, { alpha: c.alpha, cap: c.cap });
      expect(Math.abs(result.beta - c.exactBeta)).toBeLessThanOrEqual(1e-9 * c.exactBeta);
      expect(Math.abs(kahanMean(result.values) - c.alpha)).toBeLessThanOrEqual(1e-12);
      // The reference stops early, so its β is never above the exact one (spec §2.3, "faithful").
      expect(c.beta).toBeLessThanOrEqual(result.beta * (1 + 1e-12));
    });
  }
});

describe("truncatedLinear() edge cases", () => {
  test("truncatedLinear() with α = 0 gives β = 0 and all zeros (SFT)", () => {
    for (const solver of ["exact", "iterative"] as const) {
      const result = truncatedLinear([0, 5, 99], { alpha: 0, solver });
      expect(result.beta).toBe(0);
      expect(Array.from(result.values)).toEqual([0, 0, 0]);
      expect(result.mean).toBe(0);
      expect(result.clipped).toBe(0);
    }
    expect(Array.from(truncatedLinear([0, 0], { alpha: 0 }).values)).toEqual([0, 0]);
  });

  test("truncatedLinear() of no scores gives β = 0 and no values", () => {
    const result = truncatedLinear([]);
    expect(result).toEqual({ beta: 0, values: new Float64Array(0), clipped: 0, mean: 0 });
    expect(truncatedLinear([], { solver: "iterative" }).iterations).toBe(0);
  });

  test("truncatedLinear() uses the defaults α 0.1, cap 0.99, exact solver", () => {
    const result = truncatedLinear([1, 2, 3, 4]);
    expect(result.mean).toBeCloseTo(0.1, 15);
    expect(result.beta).toBeCloseTo(0.04, 15);
    expect(result.iterations).toBeUndefined();
    // Forcing clipping shows the default cap.
    expect(truncatedLinear([0, 0, 0, 1, 1000], { alpha: 0.3 }).values[4]).toBe(0.99);
  });

  test("truncatedLinear() accepts a typed array", () => {
    const result = truncatedLinear(new Float32Array([1, 3]), { alpha: 0.2 });
    expectValuesClose(result.values, [0.1, 0.3], 1e-15);
  });

  test("truncatedLinear() throws InvalidScoreError naming the index and value of a bad score", () => {
    const cases: Array<[number[], number, number]> = [
      [[1, -1, 3], 1, -1],
      [[1, 2, Number.NaN], 2, Number.NaN],
      [[Infinity, 1], 0, Infinity],
      [[1, 2, 3, -Infinity], 3, -Infinity],
    ];
    for (const [scores, index, value] of cases) {
      for (const solver of ["exact", "iterative"] as const) {
        let error: unknown;
        try {
          truncatedLinear(scores, { solver });
        } catch (e) {
          error = e;
        }
        expect(error).toBeInstanceOf(InvalidScoreError);
        const invalid = error as InvalidScoreError;
        expect(invalid.index).toBe(index);
        expect(invalid.value).toBe(value);
        expect(invalid.message).toBe(
          `Invalid uncertainty score at index ${index}: got ${value}, expected a finite number ≥ 0.`,
        );
      }
    }
  });

  test("truncatedLinear() throws InvalidScoreError even when α = 0", () => {
    expect(() => truncatedLinear([1, -2], { alpha: 0 })).toThrow(InvalidScoreError);
  });

  test("truncatedLinear() throws RangeError for α < 0, α > cap, cap ∉ (0, 1] and non-finite options", () => {
    expect(() => truncatedLinear([1], { alpha: -0.1 })).toThrow(/alpha must be ≥ 0/);
    expect(() => truncatedLinear([1], { alpha: 0.995 })).toThrow(/alpha 0.995 is above the cap 0.99/);
    expect(() => truncatedLinear([1], { alpha: 0.6, cap: 0.5 })).toThrow(RangeError);
    expect(() => truncatedLinear([1], { cap: 0 })).toThrow(/cap must be a finite number in \(0, 1\]/);
    expect(() => truncatedLinear([1], { cap: 1.5 })).toThrow(RangeError);
    expect(() => truncatedLinear([1], { cap: Number.NaN })).toThrow(RangeError);
    expect(() => truncatedLinear([1], { alpha: Number.NaN })).toThrow(/alpha must be a finite number/);
    expect(() => truncatedLinear([1], { alpha: Infinity })).toThrow(RangeError);
    expect(() => truncatedLinear([1], { solver: "newton" as "exact" })).toThrow(/solver must be "exact" or "iterative"/);
    expect(() => truncatedLinear([1], { solver: "iterative", maxIterations: 0 })).toThrow(/maxIterations/);
  });

  test("truncatedLinear() checks options before scores, even for no scores", () => {
    expect(() => truncatedLinear([], { alpha: 2 })).toThrow(RangeError);
    expect(() => truncatedLinear([-1], { alpha: 2 })).toThrow(RangeError);
  });

  test("truncatedLinear() with cap 1 and α = 1 clips every positive sample at 1", () => {
    const result = truncatedLinear([2, 5, 9], { alpha: 1, cap: 1 });
    expect(Array.from(result.values)).toEqual([1, 1, 1]);
    expect(result.beta).toBe(0.5);
  });

  test("truncatedLinear() throws InfeasibleAlphaError for all-zero scores with α > 0", () => {
    for (const solver of ["exact", "iterative"] as const) {
      expect(() => truncatedLinear([0, 0, 0], { alpha: 0.1, solver })).toThrow(InfeasibleAlphaError);
    }
    expect(() => truncatedLinear([0, 0, 0], { alpha: 0.1 })).toThrow(
      "alpha 0.1 is infeasible for the truncated-linear mapping: all 3 scores are zero (0% non-zero), so with " +
        "cap 0.99 the largest reachable mean ε is 0. Lower alpha to 0 (no smoothing), or use the constant mapper " +
        "(every ε = alpha).",
    );
  });

  test("truncatedLinear() gives β = cap / min positive score when α = cap·m/n exactly", () => {
    // m/n = 2/4, cap·m/n = 0.495.
    const result = truncatedLinear([0, 4, 0, 8], { alpha: 0.495 });
    expect(Array.from(result.values)).toEqual([0, 0.99, 0, 0.99]);
    expect(result.clipped).toBe(2);
    expect(result.beta).toBe(0.99 / 4);
    // The reference loop stops as soon as it is within 0.001, before the smaller score reaches the cap.
    const iterative = truncatedLinear([0, 4, 0, 8], { alpha: 0.495, solver: "iterative" });
    expect(iterative.clipped).toBe(1);
    expect(iterative.mean).toBeGreaterThan(0.494);
    expect(iterative.values[1]).toBeLessThan(0.99);
    // Within 1e-12 above the boundary is still the boundary, not infeasible.
    expect(truncatedLinear([0, 4, 0, 8], { alpha: 0.495 + 5e-13 }).beta).toBe(0.99 / 4);
    expect(() => truncatedLinear([0, 4, 0, 8], { alpha: 0.495 + 1e-9 })).toThrow(InfeasibleAlphaError);
  });

  test("truncatedLinear() suggests a bound that is itself feasible", () => {
    let error: unknown;
    try {
      truncatedLinear([0, 0, 1, 2, 0, 0, 7], { alpha: 0.5 });
    } catch (e) {
      error = e;
    }
    const bound = Number(/at most ([0-9.]+)/.exec((error as Error).message)?.[1]);
    expect(bound).toBeGreaterThan(0.42);
    expect(() => truncatedLinear([0, 0, 1, 2, 0, 0, 7], { alpha: bound })).not.toThrow();
  });

  test("truncatedLinear() clips a whole tie group together, never part of it", () => {
    const u = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 50, 50, 50];
    const result = truncatedLinear(u, { alpha: 0.5 });
    expect(new Set(Array.from(result.values.subarray(10))).size).toBe(1);
    expect(new Set(Array.from(result.values.subarray(0, 10))).size).toBe(1);
    expect(Math.abs(kahanMean(result.values) - 0.5)).toBeLessThanOrEqual(1e-15);
  });

  test("truncatedLinear() iterative clips raw scores above the cap when the loop does not run", () => {
    // The raw mean is already α, so the reference returns [1.2, 0, 0.6] unchanged; ε > cap is not valid.
    const result = truncatedLinear([1.2, 0, 0.6], { alpha: 0.6, solver: "iterative" });
    expect(result.iterations).toBe(0);
    expect(result.beta).toBe(1);
    expect(Array.from(result.values)).toEqual([0.99, 0, 0.6]);
    expect(result.clipped).toBe(1);
  });

  test("truncatedLinear() iterative stops with an error when it reaches maxIterations", () => {
    expect(() => truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3, solver: "iterative", maxIterations: 17 })).toThrow(
      /did not reach mean ε within 0.001 of alpha 0.3 in 17 iterations.*solver "exact"/,
    );
    expect(truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3, solver: "iterative", maxIterations: 18 }).iterations).toBe(18);
  });

  test("truncatedLinear() maps 10^6 random scores with mean ε = α to 1e-9", () => {
    const n = 1_000_000;
    const scores = new Float64Array(n);
    let seed = 12345;
    for (let i = 0; i < n; i++) {
      // A small LCG keeps the test deterministic; a tenth of the scores are zero and the tail is heavy,
      // so that thousands of samples are clipped.
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      const r = seed / 2 ** 32;
      scores[i] = r < 0.1 ? 0 : Math.floor(1 / (1 - r) ** 1.5);
    }
    const result = truncatedLinear(scores, { alpha: 0.3 });
    expect(result.values.length).toBe(n);
    expect(result.clipped).toBeGreaterThan(1000);
    expect(Math.abs(kahanMean(result.values) - 0.3)).toBeLessThanOrEqual(1e-9);
    expect(Math.abs(result.mean - 0.3)).toBeLessThanOrEqual(1e-9);
    let max = 0;
    for (let i = 0; i < n; i++) {
      max = Math.max(max, result.values[i]!);
      const expected = Math.min(result.beta * scores[i]!, 0.99);
      if (Math.abs(result.values[i]! - expected) > 1e-15) throw new Error(`index ${i}: ${result.values[i]} vs ${expected}`);
    }
    expect(max).toBe(0.99);
  });
});

// Scores with many ties and zeros, and sometimes a heavy tail, so that clipping happens often.
const everydayScore = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 0, max: 99 }),
  fc.constantFrom(1, 5, 50),
  fc.double({ min: 1e-3, max: 1e6, noNaN: true }),
);
// The exact solver must also survive extreme magnitudes, subnormals included.
const anyScore = fc.oneof(everydayScore, fc.double({ min: 0, max: 1e300, noNaN: true }));
const scoresArbitrary = fc.array(anyScore, { minLength: 1, maxLength: 200 });

/** Scores with at least one positive, and a feasible α (a fraction of the largest reachable mean). */
function feasible(score: fc.Arbitrary<number>) {
  return fc
    .record({
      scores: fc.array(score, { minLength: 1, maxLength: 200 }),
      fraction: fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constant(1), fc.constant(0.999999)),
      cap: fc.oneof(fc.constant(0.99), fc.double({ min: 0.01, max: 1, noNaN: true })),
    })
    .filter(({ scores }) => scores.some((u) => u > 0))
    .map(({ scores, fraction, cap }) => {
      const m = scores.filter((u) => u > 0).length;
      // min(): cap·n/n can round a hair above cap.
      return { scores, cap, alpha: Math.min((fraction * cap * m) / scores.length, cap) };
    });
}
const feasibleCase = feasible(anyScore);
// The reference loop needs ~log(max/min)/log(α/mean) rounds near the boundary, and a score that
// underflows to 0 on rescaling makes it loop for ever; keep its inputs to everyday magnitudes.
const everydayCase = feasible(everydayScore);

describe("truncatedLinear() properties", () => {
  test("truncatedLinear() keeps mean ε = α to 1e-9 (exact)", () => {
    fc.assert(
      fc.property(feasibleCase, ({ scores, alpha, cap }) => {
        const result = truncatedLinear(scores, { alpha, cap });
        expect(Math.abs(kahanMean(result.values) - alpha)).toBeLessThanOrEqual(1e-9 * Math.max(1, alpha));
        expect(Math.abs(result.mean - alpha)).toBeLessThanOrEqual(1e-9);
      }),
      { numRuns: 500 },
    );
  });

  test("truncatedLinear() keeps mean ε within 0.001 of α (iterative)", () => {
    fc.assert(
      fc.property(everydayCase, ({ scores, alpha, cap }) => {
        const result = truncatedLinear(scores, { alpha, cap, solver: "iterative" });
        // The only way out of the loop, unless the raw scores sat above the cap (then clipped after it).
        if (result.iterations! > 0) expect(Math.abs(result.mean - alpha)).toBeLessThan(0.001);
        for (const v of result.values) expect(v).toBeLessThanOrEqual(cap);
      }),
      { numRuns: 200 },
    );
  });

  test("truncatedLinear() is monotone in u, never above the cap, and 0 exactly for u = 0", () => {
    const withSolver = fc.oneof(
      feasibleCase.map((c) => ({ ...c, solver: "exact" as const })),
      everydayCase.map((c) => ({ ...c, solver: "iterative" as const })),
    );
    fc.assert(
      fc.property(withSolver, (c) => {
        const { values } = truncatedLinear(c.scores, { alpha: c.alpha, cap: c.cap, solver: c.solver });
        const order = c.scores.map((_, i) => i).sort((a, b) => c.scores[a]! - c.scores[b]!);
        for (let j = 1; j < order.length; j++) {
          expect(values[order[j]!]!).toBeGreaterThanOrEqual(values[order[j - 1]!]!);
        }
        for (let i = 0; i < values.length; i++) {
          expect(values[i]!).toBeLessThanOrEqual(c.cap);
          expect(values[i]! >= 0).toBe(true);
          if (c.scores[i] === 0) expect(values[i]).toBe(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("truncatedLinear() keeps unclipped values proportional to u and treats ties alike", () => {
    fc.assert(
      fc.property(feasibleCase, ({ scores, alpha, cap }) => {
        const { values, beta, clipped } = truncatedLinear(scores, { alpha, cap });
        let atCap = 0;
        const byScore = new Map<number, number>();
        for (let i = 0; i < scores.length; i++) {
          const u = scores[i]!;
          const v = values[i]!;
          if (v === cap) atCap++;
          else if (u === 0) expect(v).toBe(0);
          else expect(Math.abs(v - beta * u)).toBeLessThanOrEqual(1e-15 * Math.max(1, beta * u));
          const seen = byScore.get(u);
          if (seen === undefined) byScore.set(u, v);
          else expect(v).toBe(seen);
        }
        expect(clipped).toBeLessThanOrEqual(atCap);
      }),
      { numRuns: 500 },
    );
  });

  test("truncatedLinear() exact and iterative agree when nothing is clipped", () => {
    fc.assert(
      fc.property(everydayCase, ({ scores, alpha, cap }) => {
        const exact = truncatedLinear(scores, { alpha, cap });
        fc.pre(exact.clipped === 0 && Math.max(...exact.values) < cap * 0.999);
        const iterative = truncatedLinear(scores, { alpha, cap, solver: "iterative" });
        fc.pre(iterative.iterations! > 0);
        for (let i = 0; i < scores.length; i++) {
          expect(Math.abs(iterative.values[i]! - exact.values[i]!)).toBeLessThanOrEqual(1e-12);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("truncatedLinear() rejects every α above cap·m/n", () => {
    fc.assert(
      fc.property(scoresArbitrary, fc.double({ min: 1e-9, max: 1, noNaN: true }), (scores, excess) => {
        const m = scores.filter((u) => u > 0).length;
        const alpha = (0.99 * m) / scores.length + excess;
        fc.pre(alpha <= 0.99);
        expect(() => truncatedLinear(scores, { alpha })).toThrow(InfeasibleAlphaError);
      }),
      { numRuns: 200 },
    );
  });
});

import fc from "fast-check";
import { expect, test } from "vitest";
import { InfeasibleAlphaError } from "./infeasible_alpha_error.ts";
import { InvalidScoreError } from "./invalid_score_error.ts";
import { rankSmoothing } from "./rank_smoothing.ts";

test("rankSmoothing() maps ranks linearly: the lowest score gets 0, mean ε = α", () => {
  const result = rankSmoothing([5, 90, 40], { alpha: 0.1 });
  expect(result.values[0]).toBe(0);
  expect(result.values[1]).toBeCloseTo(0.2, 15);
  expect(result.values[2]).toBeCloseTo(0.1, 15);
  expect(result.beta).toBeCloseTo(0.2, 15);
});

test("rankSmoothing() depends only on the order of the scores", () => {
  const a = rankSmoothing([1, 2, 3, 1000], { alpha: 0.2 });
  const b = rankSmoothing([0, 7, 8, 9], { alpha: 0.2 });
  expect(Array.from(a.values)).toEqual(Array.from(b.values));
});

test("rankSmoothing() names the caller's bad score, not a rank", () => {
  try {
    rankSmoothing([1, 2, -4]);
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidScoreError);
    expect((error as InvalidScoreError).value).toBe(-4);
  }
});

test("rankSmoothing() of a single sample is infeasible for α > 0 (its rank is 0)", () => {
  expect(() => rankSmoothing([7], { alpha: 0.1 })).toThrow(InfeasibleAlphaError);
  expect(Array.from(rankSmoothing([7], { alpha: 0 }).values)).toEqual([0]);
});

test("rankSmoothing() keeps mean ε = α and clips with a small cap", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 3, maxLength: 100 }),
      fc.double({ min: 0, max: 0.3, noNaN: true }),
      (scores, alpha) => {
        fc.pre(new Set(scores).size > 1);
        const result = rankSmoothing(scores, { alpha, cap: 0.5 });
        let sum = 0;
        for (const v of result.values) sum += v;
        expect(Math.abs(sum / scores.length - alpha)).toBeLessThanOrEqual(1e-12);
        for (const v of result.values) expect(v).toBeLessThanOrEqual(0.5);
      },
    ),
  );
});

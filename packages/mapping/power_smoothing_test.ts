import fc from "fast-check";
import { expect, test } from "vitest";
import { InvalidScoreError } from "./invalid_score_error.ts";
import { powerSmoothing } from "./power_smoothing.ts";
import { truncatedLinear } from "./truncated_linear.ts";

test("powerSmoothing() maps ε ∝ u^γ with mean α (γ = 2 by default)", () => {
  const { values, beta } = powerSmoothing([1, 2, 3], { alpha: 0.1 });
  const expected = [1, 4, 9].map((x) => (0.3 * x) / 14);
  for (let i = 0; i < 3; i++) expect(values[i]).toBeCloseTo(expected[i]!, 15);
  // β is the slope on (u / max u)^γ.
  expect(values[2]).toBeCloseTo(beta, 15);
});

test("powerSmoothing() with γ = 1 is truncatedLinear()", () => {
  const scores = [0, 3, 50, 99, 99, 1];
  const power = powerSmoothing(scores, { alpha: 0.4, gamma: 1 });
  const linear = truncatedLinear(scores, { alpha: 0.4 });
  for (let i = 0; i < scores.length; i++) expect(power.values[i]).toBeCloseTo(linear.values[i]!, 15);
});

test("powerSmoothing() does not overflow for a large γ", () => {
  const { values } = powerSmoothing([50, 99, 98], { alpha: 0.3, gamma: 400 });
  expect(values.every((v) => Number.isFinite(v))).toBe(true);
  expect(values[1]).toBeGreaterThan(values[2]!);
});

test("powerSmoothing() throws RangeError for γ ≤ 0 or non-finite, InvalidScoreError for bad scores", () => {
  expect(() => powerSmoothing([1, 2], { gamma: 0 })).toThrow(/gamma must be a finite number > 0/);
  expect(() => powerSmoothing([1, 2], { gamma: -1 })).toThrow(RangeError);
  expect(() => powerSmoothing([1, 2], { gamma: Infinity })).toThrow(RangeError);
  expect(() => powerSmoothing([1, Number.NaN])).toThrow(InvalidScoreError);
});

test("powerSmoothing() of all-zero scores gives zeros for α = 0", () => {
  expect(Array.from(powerSmoothing([0, 0], { alpha: 0 }).values)).toEqual([0, 0]);
});

test("powerSmoothing() keeps mean ε = α and the order of the scores", () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 1, maxLength: 80 }),
      fc.double({ min: 0.1, max: 5, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      (scores, gamma, fraction) => {
        const m = scores.filter((u) => u > 0).length;
        fc.pre(m > 0);
        const alpha = Math.min((fraction * 0.99 * m) / scores.length, 0.99);
        const { values } = powerSmoothing(scores, { alpha, gamma });
        let sum = 0;
        for (const v of values) sum += v;
        expect(Math.abs(sum / scores.length - alpha)).toBeLessThanOrEqual(1e-12);
        for (let i = 0; i < scores.length; i++) {
          for (let j = 0; j < scores.length; j++) {
            if (scores[i]! <= scores[j]!) expect(values[i]!).toBeLessThanOrEqual(values[j]!);
          }
        }
      },
    ),
  );
});

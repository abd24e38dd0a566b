import fc from "fast-check";
import { expect, test } from "vitest";
import { imputeMedian } from "./impute_median.ts";
import { InvalidScoreError } from "./invalid_score_error.ts";

test("imputeMedian() replaces nulls by the median of the valid scores", () => {
  const result = imputeMedian([10, null, 30, 20, null]);
  expect(Array.from(result.scores)).toEqual([10, 20, 30, 20, 20]);
  expect(result.imputed).toBe(2);
  expect(result.median).toBe(20);
});

test("imputeMedian() takes the mean of the two middle scores for an even count", () => {
  const result = imputeMedian([40, null, 10, 30, 20]);
  expect(result.median).toBe(25);
  expect(result.scores[1]).toBe(25);
});

test("imputeMedian() leaves scores without nulls alone and reports no median", () => {
  const result = imputeMedian([3, 1, 2]);
  expect(Array.from(result.scores)).toEqual([3, 1, 2]);
  expect(result).toMatchObject({ imputed: 0, median: null });
});

test("imputeMedian() of no scores is empty", () => {
  expect(imputeMedian([])).toEqual({ scores: new Float64Array(0), imputed: 0, median: null });
});

test("imputeMedian() throws a clear Error when every score is null", () => {
  expect(() => imputeMedian([null, null])).toThrow(
    /All 2 uncertainty scores are null, so there is no valid score to take the median of/,
  );
});

test("imputeMedian() throws InvalidScoreError for a score that is neither null nor a finite number ≥ 0", () => {
  for (const [scores, index] of [
    [[1, null, Number.NaN], 2],
    [[-3, null], 0],
    [[null, Infinity], 1],
    [[1, undefined as unknown as null], 1],
  ] as const) {
    try {
      imputeMedian(scores);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidScoreError);
      expect((error as InvalidScoreError).index).toBe(index);
      expect((error as InvalidScoreError).message).toMatch(/expected a finite number ≥ 0, or null for a missing score/);
    }
  }
});

test("imputeMedian() puts half the valid scores on either side of the median", () => {
  fc.assert(
    fc.property(
      fc.array(fc.option(fc.integer({ min: 0, max: 99 }), { nil: null }), { minLength: 1, maxLength: 100 }),
      (scores) => {
        const valid = scores.filter((u): u is number => u !== null);
        fc.pre(valid.length > 0 && valid.length < scores.length);
        const { median, imputed } = imputeMedian(scores);
        expect(imputed).toBe(scores.length - valid.length);
        expect(valid.filter((u) => u < median!).length).toBeLessThanOrEqual(valid.length / 2);
        expect(valid.filter((u) => u > median!).length).toBeLessThanOrEqual(valid.length / 2);
      },
    ),
  );
});

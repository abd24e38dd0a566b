import fc from "fast-check";
import { expect, test } from "vitest";
import { InvalidScoreError } from "./invalid_score_error.ts";
import { rankScores } from "./rank_scores.ts";

test("rankScores() gives normalised average ranks, ties sharing theirs", () => {
  expect(Array.from(rankScores([30, 10, 20, 20]))).toEqual([1, 0, 0.5, 0.5]);
  expect(Array.from(rankScores([5, 5, 5]))).toEqual([0.5, 0.5, 0.5]);
  expect(Array.from(rankScores([2, 1, 2, 0, 2]))).toEqual([0.75, 0.25, 0.75, 0, 0.75]);
});

test("rankScores() maps one score to 0 and none to nothing", () => {
  expect(Array.from(rankScores([42]))).toEqual([0]);
  expect(rankScores([]).length).toBe(0);
});

test("rankScores() throws InvalidScoreError for NaN and infinities", () => {
  expect(() => rankScores([1, Number.NaN])).toThrow(InvalidScoreError);
  expect(() => rankScores([Infinity])).toThrow(/index 0: got Infinity, expected a finite number/);
});

test("rankScores() equals (#smaller + (#equal − 1)/2)/(n − 1) for every score", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 300 }), (scores) => {
      const ranks = rankScores(scores);
      for (let i = 0; i < scores.length; i++) {
        const smaller = scores.filter((u) => u < scores[i]!).length;
        const equal = scores.filter((u) => u === scores[i]).length;
        expect(ranks[i]).toBeCloseTo((smaller + (equal - 1) / 2) / (scores.length - 1), 14);
      }
    }),
  );
});

test("rankScores() stays in [0, 1], keeps the order and averages to 1/2", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 2, maxLength: 60 }), (scores) => {
      const ranks = rankScores(scores);
      let sum = 0;
      for (let i = 0; i < scores.length; i++) {
        expect(ranks[i]!).toBeGreaterThanOrEqual(0);
        expect(ranks[i]!).toBeLessThanOrEqual(1);
        sum += ranks[i]!;
        for (let j = 0; j < scores.length; j++) {
          if (scores[i]! < scores[j]!) expect(ranks[i]!).toBeLessThan(ranks[j]!);
          if (scores[i] === scores[j]) expect(ranks[i]).toBe(ranks[j]);
        }
      }
      // Average ranks always sum to n(n+1)/2, so the normalised ones average to exactly 1/2.
      expect(sum / scores.length).toBeCloseTo(0.5, 12);
    }),
  );
});

test("rankScores() treats -0 and 0 as a tie", () => {
  expect(Array.from(rankScores([0, -0, 1]))).toEqual([0.25, 0.25, 1]);
});

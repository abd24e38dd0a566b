import { expect, test } from "vitest";
import { InfeasibleAlphaError } from "./infeasible_alpha_error.ts";
import { InvalidScoreError } from "./invalid_score_error.ts";
import { MAPPER_NAMES, mapScores } from "./map_scores.ts";

test("mapScores() imputes nulls with the median, then maps truncated-linear", () => {
  const result = mapScores("truncated-linear", [10, null, 30], { alpha: 0.2 });
  expect(Array.from(result.values).map((v) => Number(v.toFixed(12)))).toEqual([0.1, 0.2, 0.3]);
  expect(result).toMatchObject({ imputed: 1, median: 20, clipped: 0 });
  expect(result.beta).toBeCloseTo(0.01, 15);
  expect(result.mean).toBeCloseTo(0.2, 15);
  expect(result.iterations).toBeUndefined();
});

test("mapScores() uses the defaults α 0.1, cap 0.99, exact solver", () => {
  const result = mapScores("truncated-linear", [1, 1, 1, 1, 100], {});
  expect(result.mean).toBeCloseTo(0.1, 15);
  expect(mapScores("truncated-linear", [1, 2]).mean).toBeCloseTo(0.1, 15);
});

test("mapScores() passes the solver through and reports its iterations", () => {
  const result = mapScores("truncated-linear", [1, 1, 1, 1, 100], { alpha: 0.3, solver: "iterative" });
  expect(result.iterations).toBe(18);
  expect(result.mean).toBeCloseTo(0.29932, 5);
});

test("mapScores() constant gives ε = α whatever the scores, nulls included", () => {
  const result = mapScores("constant", [null, 3, null], { alpha: 0.3 });
  expect(Array.from(result.values)).toEqual([0.3, 0.3, 0.3]);
  expect(result).toMatchObject({ imputed: 0, clipped: 0, mean: 0.3, median: null });
  expect(result.beta).toBeUndefined();
  expect(mapScores("constant", [], { alpha: 0.3 }).mean).toBe(0);
  expect(() => mapScores("constant", [1], { alpha: 0.995 })).toThrow(RangeError);
});

test("mapScores() none gives ε = 0 even for all-null scores", () => {
  const result = mapScores("none", [null, null], { alpha: 0.3 });
  expect(Array.from(result.values)).toEqual([0, 0]);
  expect(result).toMatchObject({ imputed: 0, clipped: 0, mean: 0, median: null });
});

test("mapScores() rank and power impute before mapping", () => {
  const rank = mapScores("rank", [5, null, 90, 40], { alpha: 0.1 });
  expect(rank.imputed).toBe(1);
  expect(rank.median).toBe(40);
  expect(rank.values[0]).toBe(0);
  expect(rank.values[1]).toBe(rank.values[3]);
  const power = mapScores("power", [1, null, 3], { alpha: 0.1, gamma: 1 });
  expect(power.median).toBe(2);
  expect(power.values[1]).toBeCloseTo(0.1, 15);
  const square = mapScores("power", [1, 2, 3], { alpha: 0.1 });
  expect(square.values[2]! / square.values[0]!).toBeCloseTo(9, 12);
});

test("mapScores() passes the mapping's errors through", () => {
  expect(() => mapScores("truncated-linear", [0, 0, null], { alpha: 0.1 })).toThrow(InfeasibleAlphaError);
  expect(() => mapScores("truncated-linear", [1, -1])).toThrow(InvalidScoreError);
  expect(() => mapScores("rank", [null, null])).toThrow(/All 2 uncertainty scores are null/);
});

test("mapScores() throws RangeError naming the known mappers for an unknown one", () => {
  expect(() => mapScores("linear" as "none", [1])).toThrow(
    `Unknown mapper "linear": expected one of ${MAPPER_NAMES.join(", ")}.`,
  );
});

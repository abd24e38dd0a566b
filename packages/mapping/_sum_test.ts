import { expect, test } from "vitest";
import { compensatedPrefixSums, compensatedSum } from "./_sum.ts";

test("compensatedSum() keeps the small terms that plain summation drops", () => {
  const values = [1e16, 1, -1e16, 1];
  expect(values.reduce((a, b) => a + b, 0)).not.toBe(2);
  expect(compensatedSum(values)).toBe(2);
  expect(compensatedSum(new Float64Array(1_000_000).fill(0.1))).toBe(100_000);
});

test("compensatedSum() sums a range and compensatedPrefixSums() every prefix", () => {
  expect(compensatedSum([1, 2, 3, 4], 1, 3)).toBe(5);
  expect(compensatedSum([])).toBe(0);
  expect(Array.from(compensatedPrefixSums([1, 2, 3]))).toEqual([0, 1, 3, 6]);
});

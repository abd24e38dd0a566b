import { expect, test } from "vitest";
import { constantSmoothing } from "./constant_smoothing.ts";

test("constantSmoothing() gives every sample ε = α", () => {
  expect(Array.from(constantSmoothing(3, 0.1))).toEqual([0.1, 0.1, 0.1]);
  expect(constantSmoothing(0, 0.3).length).toBe(0);
});

test("constantSmoothing() throws RangeError for a bad count or α outside [0, 1]", () => {
  expect(() => constantSmoothing(-1, 0.1)).toThrow(/n must be a non-negative integer/);
  expect(() => constantSmoothing(1.5, 0.1)).toThrow(RangeError);
  expect(() => constantSmoothing(2, -0.1)).toThrow(/alpha must be a number in \[0, 1\]/);
  expect(() => constantSmoothing(2, 1.1)).toThrow(RangeError);
  expect(() => constantSmoothing(2, Number.NaN)).toThrow(RangeError);
});

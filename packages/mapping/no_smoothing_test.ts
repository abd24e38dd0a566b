import { expect, test } from "vitest";
import { noSmoothing } from "./no_smoothing.ts";

test("noSmoothing() gives every sample ε = 0", () => {
  expect(Array.from(noSmoothing(3))).toEqual([0, 0, 0]);
  expect(noSmoothing(0).length).toBe(0);
  expect(() => noSmoothing(-2)).toThrow(RangeError);
});

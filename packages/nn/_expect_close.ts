import { expect } from "vitest";

/** Every |a − e| ≤ rtol·scale + atol, where scale is |e| or, with `scale: "max"`, max|e| (for tests). */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6, scale = "element" }: { rtol?: number; atol?: number; scale?: "element" | "max" } = {},
): void {
  expect(actual.length).toBe(expected.length);
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) maxAbs = Math.max(maxAbs, Math.abs(expected[i] as number));
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    const tol = rtol * (scale === "max" ? maxAbs : Math.abs(e)) + atol;
    if (!(Math.abs(a - e) <= tol)) expect.fail(`element ${i}: got ${a}, expected ${e} (|diff| ${Math.abs(a - e)} > tol ${tol})`);
  }
}

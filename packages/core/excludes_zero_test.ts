import { describe, expect, test } from "vitest";
import { excludesZero } from "./excludes_zero.ts";
import { meanCi95 } from "./mean_ci95.ts";

describe("excludesZero()", () => {
  test("excludesZero() is true when the whole interval lies on one side of 0", () => {
    expect(excludesZero({ mean: 0.2, halfWidth: 0.12, n: 3 })).toBe(true);
    expect(excludesZero({ mean: -0.2, halfWidth: 0.12, n: 3 })).toBe(true);
    expect(excludesZero({ mean: 0.01, halfWidth: 0.6, n: 3 })).toBe(false);
    // the boundary: an interval that touches 0 does not exclude it
    expect(excludesZero({ mean: 0.5, halfWidth: 0.5, n: 3 })).toBe(false);
  });

  test("excludesZero() agrees with a paired t-test at the 5% level", () => {
    // differences 0.1, 0.2, 0.3: t = 0.2 / (0.1/√3) = 3.46 < t(0.975, 2) = 4.30 → not significant
    expect(excludesZero(meanCi95([0.1, 0.2, 0.3]))).toBe(false);
    // 0.18, 0.2, 0.22: t = 0.2 / (0.02/√3) = 17.3 → significant
    expect(excludesZero(meanCi95([0.18, 0.2, 0.22]))).toBe(true);
  });

  test("excludesZero() is false without a width (one seed) or with NaN", () => {
    expect(excludesZero(meanCi95([5]))).toBe(false);
    expect(excludesZero({ mean: Number.NaN, halfWidth: 0.1, n: 3 })).toBe(false);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { meanCi95 } from "./mean_ci95.ts";

// fixtures/make_stats_fixtures.py: mean ± t₀.₉₇₅(n−1)·s/√n computed with numpy and scipy.
const reference = JSON.parse(readFileSync(new URL("./fixtures/stats_reference.json", import.meta.url), "utf8")) as {
  meanCi95: Array<{ values: number[]; mean: number; halfWidth: number }>;
};

describe("meanCi95()", () => {
  test("matches a SciPy computation of mean ± t·s/√n", () => {
    for (const { values, mean, halfWidth } of reference.meanCi95) {
      const ci = meanCi95(values);
      expect(ci.mean).toBeCloseTo(mean, 12);
      expect(Math.abs(ci.halfWidth - halfWidth) / halfWidth).toBeLessThan(1e-8);
      expect(ci.n).toBe(values.length);
    }
  });

  test("gives no interval for fewer than two values", () => {
    expect(meanCi95([0.5])).toEqual({ mean: 0.5, halfWidth: Number.NaN, n: 1 });
    expect(() => meanCi95([])).toThrow(RangeError);
  });
});

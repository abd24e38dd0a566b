import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { studentTQuantile } from "./student_t_quantile.ts";

// fixtures/make_stats_fixtures.py: mpmath to 40 digits ("exact") and scipy.stats.t.ppf.
const reference = JSON.parse(readFileSync(new URL("./fixtures/stats_reference.json", import.meta.url), "utf8")) as {
  quantiles: Array<{ p: number; df: number; scipy: number; exact: number }>;
};

describe("studentTQuantile()", () => {
  test("matches 40-digit quantiles, and scipy to its own accuracy", () => {
    for (const { p, df, scipy, exact } of reference.quantiles) {
      const t = studentTQuantile(p, df);
      expect(Math.abs(t - exact) / Math.max(1, Math.abs(exact)), `p ${p} df ${df}`).toBeLessThan(1e-12);
      expect(Math.abs(t - scipy) / Math.max(1, Math.abs(scipy))).toBeLessThan(1e-8);
    }
  });

  test("is symmetric and 0 at the median", () => {
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-studentTQuantile(0.975, 5), 12);
  });

  test("gives ±∞ at p = 0 and 1, and rejects p outside [0, 1] and df ≤ 0", () => {
    expect(studentTQuantile(1, 3)).toBe(Infinity);
    expect(studentTQuantile(0, 3)).toBe(-Infinity);
    expect(() => studentTQuantile(1.5, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { meanCi95, studentTCdf, studentTQuantile } from "./stats.ts";

// Computed with SciPy by fixtures/make_stats_fixtures.py.
const reference = JSON.parse(readFileSync(new URL("./fixtures/stats_reference.json", import.meta.url), "utf8")) as {
  quantiles: Array<{ p: number; df: number; value: number }>;
  cdf: Array<{ t: number; df: number; value: number }>;
  meanCi95: Array<{ values: number[]; mean: number; halfWidth: number }>;
};

const close = (actual: number, expected: number, rel = 1e-9) => expect(Math.abs(actual - expected)).toBeLessThanOrEqual(rel * Math.max(1, Math.abs(expected)));

describe("studentTQuantile()", () => {
  test("matches SciPy's t.ppf", () => {
    for (const { p, df, value } of reference.quantiles) close(studentTQuantile(p, df), value, 1e-8);
  });

  test("rejects p outside (0, 1) and df ≤ 0", () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTQuantile(0.5, 0)).toThrow(RangeError);
  });
});

describe("studentTCdf()", () => {
  test("matches SciPy's t.cdf", () => {
    for (const { t, df, value } of reference.cdf) close(studentTCdf(t, df), value, 1e-10);
  });
});

describe("meanCi95()", () => {
  test("matches a SciPy computation of mean ± t·s/√n", () => {
    for (const { values, mean, halfWidth } of reference.meanCi95) {
      const ci = meanCi95(values);
      close(ci.mean, mean, 1e-12);
      close(ci.halfWidth, halfWidth, 1e-8);
      expect(ci.n).toBe(values.length);
    }
  });

  test("gives no interval for fewer than two values", () => {
    expect(meanCi95([0.5])).toEqual({ mean: 0.5, halfWidth: Number.NaN, n: 1 });
    expect(meanCi95([]).n).toBe(0);
  });
});

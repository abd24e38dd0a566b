import { describe, expect, test } from "vitest";
import { logBeta, logGamma, regularizedBeta } from "./_special_functions.ts";

describe("logGamma()", () => {
  test("logGamma() gives ln((n − 1)!) and ln √π", () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      expect(logGamma(n)).toBeCloseTo(Math.log(factorial), 12);
      factorial *= n;
    }
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 14);
  });
});

describe("logBeta()", () => {
  test("logBeta() agrees with its log-gamma definition and stays accurate for large arguments", () => {
    for (const [a, b] of [[0.5, 0.5], [3, 4], [12, 0.5], [30, 25], [9.5, 10.5]] as const) {
      expect(logBeta(a, b)).toBeCloseTo(logGamma(a) + logGamma(b) - logGamma(a + b), 11);
    }
    // Walked up by the recurrence B(a + 1, b) = B(a, b) · a / (a + b) from a value small enough
    // to trust, so the large-argument path is checked against something it did not compute.
    let expected = logBeta(5, 0.5);
    for (let a = 5; a < 5000; a++) expected += Math.log(a / (a + 0.5));
    expect(Math.abs(logBeta(5000, 0.5) - expected)).toBeLessThan(1e-11);
  });
});

describe("regularizedBeta()", () => {
  test("regularizedBeta() matches closed forms", () => {
    for (const x of [1e-9, 0.01, 0.3, 0.5, 0.77, 0.999]) {
      expect(regularizedBeta(x, 1, 1)).toBeCloseTo(x, 14);
      expect(regularizedBeta(x, 3, 1)).toBeCloseTo(x ** 3, 14);
      expect(regularizedBeta(x, 1, 4)).toBeCloseTo(1 - (1 - x) ** 4, 14);
      // I_x(½, ½) = (2/π) asin √x: the t distribution with one degree of freedom.
      expect(regularizedBeta(x, 0.5, 0.5)).toBeCloseTo((2 / Math.PI) * Math.asin(Math.sqrt(x)), 14);
    }
    expect(regularizedBeta(0, 2, 3)).toBe(0);
    expect(regularizedBeta(1, 2, 3)).toBe(1);
  });
});

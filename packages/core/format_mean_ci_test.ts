import { describe, expect, test } from "vitest";
import { formatMeanCi } from "./format_mean_ci.ts";

describe("formatMeanCi()", () => {
  test("formatMeanCi() prints mean ± half-width (n), signed and marked on request", () => {
    expect(formatMeanCi({ mean: 0.515, halfWidth: 0.06353, n: 2 })).toBe("0.5150 ± 0.0635 (n=2)");
    expect(formatMeanCi({ mean: 0.2, halfWidth: 0.12, n: 3 }, { signed: true, marked: true })).toBe("+0.2000 ± 0.1200 (n=3) *");
    expect(formatMeanCi({ mean: -0.01, halfWidth: 0.6, n: 3 }, { signed: true, marked: true })).toBe("-0.0100 ± 0.6000 (n=3)");
    expect(formatMeanCi({ mean: 123.456, halfWidth: 7.04, n: 5 })).toBe("123.5 ± 7.0 (n=5)");
    expect(formatMeanCi({ mean: 1, halfWidth: Number.NaN, n: 1 }, { marked: true })).toBe("1.0000 (n=1)");
  });
});

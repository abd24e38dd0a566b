import { describe, expect, it } from "vitest";
import { expectedScore } from "./expected_score.ts";

const alt = (token: string, p: number) => ({ token, logprob: Math.log(p) });

describe("expectedScore()", () => {
  it("expectedScore() weighs each whole number in 0–99 by its probability", () => {
    expect(expectedScore([alt("40", 0.5), alt("60", 0.5)])).toEqual({ score: 50, mass: 1 });
    expect(expectedScore([alt("30", 0.7), alt("40", 0.2), alt("20", 0.1)])?.score).toBeCloseTo(31, 9);
  });

  it("expectedScore() ignores candidates that are not scores and renormalises over the rest", () => {
    const result = expectedScore([alt("10", 0.6), alt(" 20", 0.2), alt("ten", 0.1), alt("150", 0.05), alt("}", 0.05)]);
    expect(result?.score).toBeCloseTo(12.5, 9);
    expect(result?.mass).toBeCloseTo(0.8, 9);
  });

  it("expectedScore() declines when the valid candidates hold too little probability", () => {
    expect(expectedScore([alt("10", 0.3), alt("x", 0.7)])).toBeUndefined();
    expect(expectedScore([alt("10", 0.3), alt("x", 0.7)], 0.2)?.score).toBe(10);
    expect(expectedScore([])).toBeUndefined();
  });
});

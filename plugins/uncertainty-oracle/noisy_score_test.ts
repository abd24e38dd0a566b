import { createRng } from "@ual/random";
import { describe, expect, test } from "vitest";
import { noisyScore, pearsonForSpearman } from "./noisy_score.ts";
import { spearman } from "./_spearman.ts";

const N = 4000;
const ids = Array.from({ length: N }, (_, i) => `sample-${i}`);

/** True scores drawn from the normal the construction is exact for (mean 49.5, sd 99/√12), kept on 0–99. */
function normalScores(seed: number): number[] {
  const rng = createRng(seed);
  return ids.map(() => Math.min(99, Math.max(0, 49.5 + (99 / Math.sqrt(12)) * rng.normal())));
}

describe("pearsonForSpearman()", () => {
  test("pearsonForSpearman() inverts ρ_s = (6/π)·arcsin(ρ/2)", () => {
    for (const rs of [0, 0.3, 0.5, 0.7, 0.9]) expect((6 / Math.PI) * Math.asin(pearsonForSpearman(rs) / 2)).toBeCloseTo(rs, 12);
    expect(pearsonForSpearman(0.7)).toBeCloseTo(0.716740, 5);
    expect(() => pearsonForSpearman(1.5)).toThrow(RangeError);
  });
});

describe("noisyScore()", () => {
  test("noisyScore() realises the target Spearman ρ over a few thousand samples (within 0.03)", () => {
    // Tolerance: the standard error of a sample Spearman ρ near 0.5 with n = 4000 is ≈ (1 − ρ²)/√n ≈ 0.012;
    // 0.03 is 2.5 of them; the clamp to 0–99 (8% of these scores sit at 0 or 99) moves it by < 0.02.
    const truth = normalScores(11);
    for (const target of [0.3, 0.5, 0.7, 0.9]) {
      const noisy = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: target, seed: 5 }));
      expect(Math.abs(spearman(truth, noisy) - target), `target ${target}`).toBeLessThan(0.03);
    }
    // an even spread over 0–99 is not normal: the same construction lands a little high (≈ 0.726 for 0.7)
    const even = ids.map((_, i) => (i * 99) / (N - 1));
    const noisy = even.map((s, i) => noisyScore(s, ids[i]!, { spearman: 0.7, seed: 5 }));
    expect(spearman(even, noisy) - 0.7).toBeGreaterThan(0);
    expect(spearman(even, noisy) - 0.7).toBeLessThan(0.05);
  });

  test("noisyScore() keeps scores on 0–99 and is the same for the same seed and id, in any order", () => {
    const truth = normalScores(12);
    const noisy = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: 0.5, seed: 9 }));
    expect(noisy.every((v) => v >= 0 && v <= 99)).toBe(true);
    const reversed = [...truth.keys()].reverse().map((i) => noisyScore(truth[i]!, ids[i]!, { spearman: 0.5, seed: 9 }));
    expect(reversed.reverse()).toEqual(noisy);
  });

  test("noisyScore() draws other noise for another seed", () => {
    const truth = normalScores(13);
    const a = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: 0.7, seed: 1 }));
    const b = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: 0.7, seed: 2 }));
    expect(a.filter((v, i) => v !== b[i]).length).toBeGreaterThan(N * 0.95);
    // two raters at ρ = 0.7 to the truth agree with each other less than with it (≈ 0.7², in Pearson terms)
    expect(spearman(a, b)).toBeLessThan(0.6);
  });

  test("noisyScore() at ρ = 1 is the oracle itself, at ρ = 0 unrelated to it", () => {
    const truth = normalScores(14);
    const exact = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: 1, seed: 3 }));
    expect(exact).toEqual(truth);
    const none = truth.map((s, i) => noisyScore(s, ids[i]!, { spearman: 0, seed: 3 }));
    expect(Math.abs(spearman(truth, none))).toBeLessThan(0.05);
  });
});

describe("spearman()", () => {
  test("spearman() uses mid-ranks for ties, as scipy.stats.spearmanr does", () => {
    // scipy.stats.spearmanr([1, 2, 2, 3], [1, 3, 2, 4]).statistic = 0.9486832980505138 (= 3/√10)
    expect(spearman([1, 2, 2, 3], [1, 3, 2, 4])).toBeCloseTo(3 / Math.sqrt(10), 12);
    expect(spearman([1, 2, 3], [30, 20, 10])).toBeCloseTo(-1, 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });
});

import { describe, expect, test } from "vitest";
import { silhouetteAverages } from "./silhouette_averages.ts";

describe("silhouetteAverages()", () => {
  test("silhouetteAverages() averages all pairs, leaving out null ones", () => {
    const { allPairs } = silhouetteAverages([0.2, 0.4, null, 0.9]);
    expect(allPairs.n).toBe(3);
    expect(allPairs.mean).toBeCloseTo(0.5, 15);
  });

  test("silhouetteAverages() draws the same random pairs for the same seed and pair count", () => {
    const a = Array.from({ length: 861 }, (_, i) => Math.sin(i));
    const b = Array.from({ length: 861 }, (_, i) => Math.cos(i));
    const first = silhouetteAverages(a, { seed: 3 });
    expect(first.randomPairs.indices).toHaveLength(100);
    expect(new Set(first.randomPairs.indices).size).toBe(100);
    expect(first.randomPairs.indices).toEqual([...first.randomPairs.indices].sort((x, y) => x - y));
    // Another model's scores over the same pairs: the same pairs are drawn.
    expect(silhouetteAverages(b, { seed: 3 }).randomPairs.indices).toEqual(first.randomPairs.indices);
    expect(silhouetteAverages(a, { seed: 4 }).randomPairs.indices).not.toEqual(first.randomPairs.indices);
    const mean = first.randomPairs.indices.reduce((s, i) => s + (a[i] as number), 0) / 100;
    expect(first.randomPairs.mean).toBeCloseTo(mean, 14);
    expect(first.randomPairs.seed).toBe(3);
  });

  test("silhouetteAverages() draws each pair with equal probability", () => {
    const hits = new Array<number>(20).fill(0);
    const scores = new Array<number>(20).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const i of silhouetteAverages(scores, { seed, sampleSize: 5 }).randomPairs.indices) hits[i]! += 1;
    // 2000 draws of 5 out of 20: each pair expects 500 hits (sd ≈ 19).
    for (const h of hits) expect(Math.abs(h - 500)).toBeLessThan(100);
  });

  test("silhouetteAverages() takes every pair when there are fewer than the sample size", () => {
    const { allPairs, randomPairs } = silhouetteAverages([0.1, 0.3], { sampleSize: 100 });
    expect(randomPairs.indices).toEqual([0, 1]);
    expect(randomPairs.mean).toBe(allPairs.mean);
    expect(Number.isNaN(silhouetteAverages([null]).allPairs.mean)).toBe(true);
    expect(() => silhouetteAverages([0.1], { sampleSize: 0 })).toThrow("sampleSize must be a positive integer");
  });
});

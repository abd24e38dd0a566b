import { describe, expect, test } from "vitest";
import { loadReference } from "./_reference.ts";
import { pairSilhouettes } from "./pair_silhouettes.ts";
import { pca } from "./pca.ts";
import { silhouetteScore } from "./silhouette_score.ts";

const reference = loadReference();

describe("pairSilhouettes()", () => {
  test.each([true, false])("pairSilhouettes() reproduces the reference analysis (sklearn, fixtures/reference.json), lapack %s", (lapack) => {
    const { features, labels, topK, top, pairs } = reference.pairs;
    const result = pairSilhouettes(features, labels, { topK, lapack });
    // Two labels tie at 24; Counter.most_common keeps the first seen first, and so do we.
    expect(result.labels).toEqual(top);
    expect(result.pairs.map((p) => p.labels)).toEqual(pairs.map((p) => p.labels));
    result.pairs.forEach((pair, i) => expect(Math.abs((pair.silhouette as number) - (pairs[i]?.silhouette as number))).toBeLessThan(1e-10));
    expect(result.counts.reduce((s, c) => s + c, 0)).toBeLessThanOrEqual(labels.length);
  });

  test("pairSilhouettes() gives the per-pair PCA's silhouettes from per-label statistics, also for features far from the origin", () => {
    // 400 points in 12-d (so each pair has more points than dimensions: the statistics route),
    // offset by 1e4 — where forming a covariance from uncentred sums would cancel
    const labels = Array.from({ length: 400 }, (_, i) => (i * 7) % 6);
    const features = labels.map((label, i) => Array.from({ length: 12 }, (_, j) => 1e4 + Math.sin(i * 1.3 + j) + label * (j % 4 === 0 ? 0.8 : 0.1)));
    const result = pairSilhouettes(features, labels, { topK: 6 });
    for (const pair of result.pairs) {
      const rows = labels.flatMap((label, i) => (label === pair.labels[0] || label === pair.labels[1] ? [i] : []));
      const direct = silhouetteScore(pca(rows.map((i) => features[i] as number[]), 2).points, rows.map((i) => labels[i] as number));
      expect(Math.abs((pair.silhouette as number) - direct)).toBeLessThan(1e-9);
    }
  });

  test("pairSilhouettes() gives the per-pair PCA's silhouettes from a shared Gram matrix for pairs with fewer points than dimensions", () => {
    // 90 points in 60-d over 7 labels of unequal sizes: every pair has 18 to 45 points (the Gram
    // route); offset by 1e3, and one label's points collinear (a zero second component)
    const labels = Array.from({ length: 90 }, (_, i) => [0, 0, 1, 2, 3, 4, 5, 6, 0, 1][i % 10] as number);
    const features = labels.map((label, i) =>
      Array.from({ length: 60 }, (_, j) => 1e3 + (label === 6 ? (i / 10) * Math.cos(j) : Math.sin(i * 1.3 + j * 0.7) + label * (j % 5 === 0 ? 0.9 : 0.05))),
    );
    const result = pairSilhouettes(features, labels, { topK: 7 });
    expect(result.pairs).toHaveLength(21);
    for (const pair of result.pairs) {
      const rows = labels.flatMap((label, i) => (label === pair.labels[0] || label === pair.labels[1] ? [i] : []));
      expect(rows.length).toBeLessThan(60);
      const direct = silhouetteScore(pca(rows.map((i) => features[i] as number[]), 2).points, rows.map((i) => labels[i] as number));
      expect(Math.abs((pair.silhouette as number) - direct)).toBeLessThan(1e-8);
    }
  });

  test("pairSilhouettes() forms all K(K − 1)/2 pairs, the most frequent label first", () => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 5);
    const features = labels.map((label, i) => [label * 3 + Math.sin(i), Math.cos(i * 1.7), label]);
    const result = pairSilhouettes(features, labels, { topK: 4 });
    expect(result.labels).toEqual([0, 1, 2, 3]);
    expect(result.pairs.map((p) => p.labels)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(result.pairs.every((p) => p.silhouette !== null && p.counts[0] === 12 && p.counts[1] === 12)).toBe(true);
  });

  test("pairSilhouettes() gives null, with a reason, to a pair too small for a silhouette", () => {
    const features = [[0, 0], [1, 1], [2, 0], [5, 5], [6, 5], [9, 9]];
    const labels = [1, 2, 2, 2, 4, 3];
    const result = pairSilhouettes(features, labels, { topK: 3 });
    expect(result.labels).toEqual([2, 1, 4]);
    expect(result.pairs.find((p) => p.labels[0] === 1 && p.labels[1] === 4)).toMatchObject({ silhouette: null, counts: [1, 1] });
    // Three points in two clusters: still a silhouette (2 labels ≤ n − 1 = 2).
    expect(typeof result.pairs.find((p) => p.labels[0] === 2 && p.labels[1] === 1)?.silhouette).toBe("number");
    const tiny = pairSilhouettes([[0, 0], [1, 1]], [4, 5]);
    expect(tiny.pairs).toEqual([{ labels: [4, 5], counts: [1, 1], silhouette: null, reason: "only 2 features; the silhouette needs at least 3 and PCA at least 2" }]);
  });

  test("pairSilhouettes() checks its input", () => {
    expect(() => pairSilhouettes([[1], [2], [3]], [1, 2, 1])).toThrow("features have 1 dimensions, fewer than the 2 PCA components");
    expect(() => pairSilhouettes([[1, 2]], [1, 2])).toThrow("1 features but 2 labels");
    expect(() => pairSilhouettes([[1, 2]], [1], { topK: 1 })).toThrow("topK must be an integer ≥ 2");
    expect(pairSilhouettes([], []).pairs).toEqual([]);
  });
  test("pairSilhouettes() leaves out a pair whose features are one point up to rounding (the same context before both tokens), so the averages do not follow the kernels' rounding", () => {
    // Labels 0 and 1 always follow one fixed context (as the first word of a prompt follows the
    // chat template's prefix): one feature vector, plus float32-sized rounding that differs per
    // kernel path. Labels 2 and 3 have real spread.
    const dim = 16;
    const context = Array.from({ length: dim }, (_, j) => 3 * Math.cos(j * 0.9));
    const rounding = (seed: number) => (i: number, j: number) => 2e-7 * Math.sin(seed * 12.9898 + i * 78.233 + j * 37.719);
    const build = (noise: (i: number, j: number) => number) => {
      const labels: number[] = [];
      const features: number[][] = [];
      for (let i = 0; i < 60; i++) {
        const label = i % 4;
        labels.push(label);
        features.push(
          Array.from({ length: dim }, (_, j) => (label < 2 ? (context[j] as number) : Math.sin(i * 1.7 + j) + label * (j % 3 === 0 ? 1.5 : 0.2)) + noise(i, j)),
        );
      }
      return { features, labels };
    };
    const one = build(rounding(1));
    const two = build(rounding(2));
    const a = pairSilhouettes(one.features, one.labels, { topK: 4 });
    const b = pairSilhouettes(two.features, two.labels, { topK: 4 });
    const degenerate = a.pairs.find((p) => p.labels.includes(0) && p.labels.includes(1));
    expect(degenerate?.silhouette).toBeNull();
    expect(degenerate?.reason).toMatch(/one point up to float32 rounding/);
    // every other pair is defined and the same under either rounding
    const rest = a.pairs.filter((p) => p !== degenerate);
    expect(rest.every((p) => p.silhouette !== null)).toBe(true);
    a.pairs.forEach((p, i) => {
      if (p.silhouette !== null) expect(Math.abs(p.silhouette - (b.pairs[i]?.silhouette as number))).toBeLessThan(1e-5);
    });
    // minSpread 0 keeps the pair, as the reference does: its silhouette is then the rounding's
    const kept = [pairSilhouettes(one.features, one.labels, { topK: 4, minSpread: 0 }), pairSilhouettes(two.features, two.labels, { topK: 4, minSpread: 0 })].map(
      (r) => r.pairs.find((p) => p.labels.includes(0) && p.labels.includes(1))?.silhouette as number,
    );
    expect(kept.every((v) => typeof v === "number")).toBe(true);
    expect(Math.abs((kept[0] as number) - (kept[1] as number))).toBeGreaterThan(1e-3);
    expect(() => pairSilhouettes(one.features, one.labels, { minSpread: -1 })).toThrow(/minSpread/);
  });
});

import { createRng } from "@ual/nn";
import { describe, expect, it } from "vitest";
import { sampleToken } from "./sample_token.ts";

describe("sampleToken()", () => {
  it("sampleToken() is greedy at temperature 0 and keeps only the top-k / nucleus tokens", () => {
    const logits = Float32Array.from([0, 3, 1, 2.9]);
    expect(sampleToken(logits, {}, createRng(1))).toBe(1);
    const rng = createRng(2);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(sampleToken(logits, { temperature: 1, topK: 2 }, rng));
    expect([...seen].sort()).toEqual([1, 3]);
    // p ∝ e^3, e^2.9, e^1, e^0 → the top token alone holds 0.47 < 0.5, so top-p 0.5 keeps two
    seen.clear();
    for (let i = 0; i < 300; i++) seen.add(sampleToken(logits, { temperature: 1, topP: 0.5 }, rng));
    expect([...seen].sort()).toEqual([1, 3]);
  });

  it("sampleToken() draws in proportion to softmax(logits / T)", () => {
    const rng = createRng(3);
    let ones = 0;
    for (let i = 0; i < 4000; i++) ones += sampleToken([0, Math.log(3)], { temperature: 1 }, rng);
    expect(ones / 4000).toBeCloseTo(0.75, 1);
  });

  it("sampleToken() without top-k or top-p draws every id in proportion to softmax(logits / T), -Infinity never", () => {
    const logits = [1.5, -2, 0.3, 4, -Infinity, 2.2];
    const t = 0.7;
    const weights = logits.map((l) => Math.exp(l / t));
    const total = weights.reduce((a, b) => a + b, 0);
    const rng = createRng(5);
    const counts = new Array<number>(logits.length).fill(0);
    const n = 20000;
    for (let i = 0; i < n; i++) counts[sampleToken(logits, { temperature: t }, rng)]! += 1;
    counts.forEach((c, id) => expect(Math.abs(c / n - (weights[id] as number) / total)).toBeLessThan(0.012));
    expect(counts[4]).toBe(0);
  });
});

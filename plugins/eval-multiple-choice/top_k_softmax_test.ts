import { describe, expect, it } from "vitest";
import { referenceValues } from "./_reference_values.ts";
import { topKSoftmax } from "./top_k_softmax.ts";

describe("topKSoftmax()", () => {
  it("topKSoftmax() equals torch's topk + where + softmax (fixtures/make_reference_values.py)", () => {
    const cases = referenceValues().softmax;
    expect(cases.length).toBeGreaterThan(5);
    for (const c of cases) {
      const probs = topKSoftmax(c.logits, { temperature: c.temperature, topK: c.topK });
      expect(probs).toHaveLength(c.probs.length);
      c.probs.forEach((p, i) => {
        expect(Math.abs((probs[i] as number) - p)).toBeLessThan(1e-13);
        // the support must be the same, not merely close
        expect(probs[i] === 0).toBe(p === 0);
      });
    }
  });

  it("topKSoftmax() keeps every token tied with the k-th largest, as the reference does", () => {
    const probs = topKSoftmax([1, 3, 1, 0, 1], { temperature: 1, topK: 2 });
    expect([...probs].map((p) => p > 0)).toEqual([true, true, true, false, true]);
    expect(probs.reduce((s, p) => s + p, 0)).toBeCloseTo(1, 14);
  });

  it("topKSoftmax() survives huge logits and rejects bad options", () => {
    const probs = topKSoftmax([1e4, 1e4 - 1, -1e4], { temperature: 0.8, topK: 200 });
    expect(probs[0]! / probs[1]!).toBeCloseTo(Math.exp(1 / 0.8), 10);
    expect(() => topKSoftmax([1], { temperature: 0, topK: 1 })).toThrow(/temperature/);
    expect(() => topKSoftmax([1], { temperature: 1, topK: 0 })).toThrow(/topK/);
  });
});

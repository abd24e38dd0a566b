import { describe, expect, it } from "vitest";
import { referenceValues } from "./_reference_values.ts";
import { goldMass } from "./gold_mass.ts";
import { topKSoftmax } from "./top_k_softmax.ts";

describe("goldMass()", () => {
  it("goldMass() of the top-k softmax equals the torch reference", () => {
    for (const c of referenceValues().softmax) {
      const probs = topKSoftmax(c.logits, { temperature: c.temperature, topK: c.topK });
      expect(Math.abs(goldMass(probs, c.goldIds) - c.goldMass)).toBeLessThan(1e-13);
    }
  });

  it("goldMass() counts a listed id once and refuses ids outside the vocabulary", () => {
    expect(goldMass([0.5, 0.3, 0.2], [2, 0, 2])).toBeCloseTo(0.7, 15);
    expect(goldMass([0.5, 0.5], [])).toBe(0);
    expect(() => goldMass([1], [1])).toThrow(/outside/);
  });
});

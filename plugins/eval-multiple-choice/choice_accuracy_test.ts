import { describe, expect, it } from "vitest";
import { referenceValues } from "./_reference_values.ts";
import { choiceAccuracy } from "./choice_accuracy.ts";

describe("choiceAccuracy()", () => {
  it("choiceAccuracy() gives lm-eval-harness's acc and acc_norm (by characters), and acc_norm_tokens (numpy reference)", () => {
    for (const c of referenceValues().accuracy) {
      const result = choiceAccuracy(c.questions);
      expect(result.acc.value).toBeCloseTo(c.acc, 14);
      expect(result.accNorm.value).toBeCloseTo(c.accNormChars, 14);
      expect(result.accNormTokens.value).toBeCloseTo(c.accNormTokens, 14);
      const n = c.questions.length;
      expect(result.acc.ci95).toBeCloseTo(1.96 * Math.sqrt((c.acc * (1 - c.acc)) / n), 12);
    }
  });

  it("choiceAccuracy() normalises by length so a long right answer can win", () => {
    const q = { answer: 1, scores: [{ logProb: -2, tokens: 1, chars: 2 }, { logProb: -3, tokens: 3, chars: 9 }] };
    const { acc, accNorm, accNormTokens } = choiceAccuracy([q]);
    expect(acc.value).toBe(0);
    expect(accNorm.value).toBe(1);
    expect(accNormTokens.value).toBe(1);
    // Per character (-2/2 vs -3/9) the long one wins; per token (-2/1 vs -3/3) too, but not always:
    const r = { answer: 1, scores: [{ logProb: -4, tokens: 2, chars: 8 }, { logProb: -5, tokens: 5, chars: 4 }] };
    expect(choiceAccuracy([r]).accNorm.value).toBe(0);
    expect(choiceAccuracy([r]).accNormTokens.value).toBe(1);
  });

  it("choiceAccuracy() names a bad question", () => {
    expect(() => choiceAccuracy([])).toThrow(/no questions/);
    expect(() => choiceAccuracy([{ answer: 2, scores: [{ logProb: 0, tokens: 1, chars: 1 }] }])).toThrow(/question 0's answer 2/);
  });
});

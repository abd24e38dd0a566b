import { describe, expect, it } from "vitest";
import { referenceValues } from "./_reference_values.ts";
import { choiceAccuracy } from "./choice_accuracy.ts";

describe("choiceAccuracy()", () => {
  it("choiceAccuracy() gives lm-eval-harness's acc and acc_norm (numpy reference)", () => {
    for (const c of referenceValues().accuracy) {
      const byTokens = choiceAccuracy(c.questions, { normalizeBy: "tokens" });
      const byChars = choiceAccuracy(c.questions, { normalizeBy: "chars" });
      expect(byTokens.acc.value).toBeCloseTo(c.acc, 14);
      expect(byTokens.accNorm.value).toBeCloseTo(c.accNormTokens, 14);
      expect(byChars.accNorm.value).toBeCloseTo(c.accNormChars, 14);
      const n = c.questions.length;
      expect(byTokens.acc.ci95).toBeCloseTo(1.96 * Math.sqrt((c.acc * (1 - c.acc)) / n), 12);
    }
  });

  it("choiceAccuracy() normalises by length so a long right answer can win", () => {
    const q = { answer: 1, scores: [{ logProb: -2, tokens: 1, chars: 2 }, { logProb: -3, tokens: 3, chars: 9 }] };
    const { acc, accNorm } = choiceAccuracy([q]);
    expect(acc.value).toBe(0);
    expect(accNorm.value).toBe(1);
  });

  it("choiceAccuracy() names a bad question", () => {
    expect(() => choiceAccuracy([])).toThrow(/no questions/);
    expect(() => choiceAccuracy([{ answer: 2, scores: [{ logProb: 0, tokens: 1, chars: 1 }] }])).toThrow(/question 0's answer 2/);
  });
});

import { describe, expect, it } from "vitest";
import { klOverValidAnswers } from "./kl_over_valid_answers.ts";

describe("klOverValidAnswers()", () => {
  it("klOverValidAnswers() renormalises the model over the valid set and matches a hand value", () => {
    // model ∝ (0.2, 0.05) → q = (0.8, 0.2); p = (0.5, 0.5): KL = 0.5 ln(0.5/0.8) + 0.5 ln(0.5/0.2)
    const kl = klOverValidAnswers([{ probability: 0.5, modelLogProb: Math.log(0.2) }, { probability: 0.5, modelLogProb: Math.log(0.05) }]);
    expect(kl).toBeCloseTo(0.5 * Math.log(0.5 / 0.8) + 0.5 * Math.log(0.5 / 0.2), 12);
    // only the shape counts: the same up to a constant in log space, even far below float range
    expect(klOverValidAnswers([{ probability: 0.7, modelLogProb: -900 + Math.log(0.7) }, { probability: 0.3, modelLogProb: -900 + Math.log(0.3) }])).toBeCloseTo(0, 12);
  });
});

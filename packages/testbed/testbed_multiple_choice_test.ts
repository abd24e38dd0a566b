import { describe, expect, it } from "vitest";
import { answerDistribution } from "./answer_distribution.ts";
import { normalizeAnswer } from "./normalize_answer.ts";
import { taskFamilies } from "./task_families.ts";
import { testbedMultipleChoice } from "./testbed_multiple_choice.ts";

describe("testbedMultipleChoice()", () => {
  it("testbedMultipleChoice() asks held-out low-entropy prompts once each, with the right answer among distinct same-family choices", () => {
    const items = testbedMultipleChoice({ seed: 3, count: 120, choices: 4 });
    expect(items).toHaveLength(120);
    expect(new Set(items.map((i) => i.question)).size).toBe(120);
    for (const item of items) {
      const truth = answerDistribution(item.question);
      expect(truth?.split).toBe("heldout");
      expect(truth?.subset).toBe("low-entropy");
      expect(truth?.task).toBe(item.task);
      expect(item.choices).toHaveLength(4);
      expect(normalizeAnswer(item.choices[item.answer]!)).toBe(normalizeAnswer(truth!.answers[0]!.answer));
      expect(new Set(item.choices.map(normalizeAnswer)).size).toBe(4);
      // every distractor is some prompt of the same family's answer
      const familyAnswers = new Set(taskFamilies.find((f) => f.name === item.task)!.prompts.map((p) => normalizeAnswer(p.answers[0]!.answer)));
      for (const choice of item.choices) expect(familyAnswers.has(normalizeAnswer(choice))).toBe(true);
    }
    // every low-entropy family takes its turn
    expect(new Set(items.map((i) => i.task))).toEqual(new Set(taskFamilies.filter((f) => f.subset === "low-entropy").map((f) => f.name)));
  });

  it("testbedMultipleChoice() spreads the correct answer over the positions", () => {
    const items = testbedMultipleChoice({ seed: 0, count: 400, choices: 4 });
    const counts = [0, 1, 2, 3].map((k) => items.filter((i) => i.answer === k).length);
    // uniform positions: each count ~ Binomial(400, 1/4), sd ≈ 8.7; 4.5 sd either side
    for (const c of counts) expect(Math.abs(c - 100)).toBeLessThan(40);
  });

  it("testbedMultipleChoice() is a function of its seed", () => {
    const a = testbedMultipleChoice({ seed: 5, count: 30, choices: 3 });
    expect(testbedMultipleChoice({ seed: 5, count: 30, choices: 3 })).toEqual(a);
    expect(testbedMultipleChoice({ seed: 6, count: 30, choices: 3 })).not.toEqual(a);
    expect(testbedMultipleChoice({ seed: 5, count: 5, choices: 3, kinds: ["next-weekday"] }).every((i) => i.task === "next-weekday")).toBe(true);
  });

  it("testbedMultipleChoice() refuses what it cannot make", () => {
    expect(() => testbedMultipleChoice({ kinds: ["pick-number"] })).toThrow(/high-entropy/);
    expect(() => testbedMultipleChoice({ kinds: ["next-weekday"], choices: 8 })).toThrow(/only 7 distinct answers/);
    expect(() => testbedMultipleChoice({ kinds: ["next-weekday"], count: 1000 })).toThrow(/exceeds the \d+ heldout prompts/);
    expect(() => testbedMultipleChoice({ kinds: ["nope" as "addition"] })).toThrow(/unknown testbed task family/);
  });
});

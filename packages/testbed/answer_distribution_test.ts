import { describe, expect, test } from "vitest";
import { answerDistribution } from "./answer_distribution.ts";
import { testbedPrompts } from "./testbed_prompts.ts";

describe("answerDistribution()", () => {
  test("answerDistribution() gives a prompt's true answers, entropy and split", () => {
    const pick = answerDistribution("  Pick a number from 1 to 4. ");
    expect(pick?.answers).toEqual(["1", "2", "3", "4"].map((answer) => ({ answer, probability: 0.25 })));
    expect(pick?.entropy).toBeCloseTo(Math.log(4), 15);
    expect(pick).toMatchObject({ task: "pick-number", subset: "high-entropy", shape: "uniform" });
    expect(answerDistribution("What is 2 + 2?")).toMatchObject({ answers: [{ answer: "4", probability: 1 }], entropy: 0, task: "addition" });
    expect(answerDistribution("What is 2 + 200?")).toBeUndefined();
  });

  test("answerDistribution() knows every prompt testbedPrompts() lists", () => {
    for (const p of testbedPrompts()) expect(answerDistribution(p.prompt)).toBe(p);
  });
});

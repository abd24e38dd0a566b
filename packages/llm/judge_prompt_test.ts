import { describe, expect, it } from "vitest";
import { JUDGE_PROMPT, JUDGE_PROMPT_VERSION, JUDGE_REASK_SUFFIX } from "./judge_prompt.ts";

describe("JUDGE_PROMPT", () => {
  it("JUDGE_PROMPT names the three criteria of spec §6.4 in order, and is versioned", () => {
    expect(JUDGE_PROMPT.version).toBe(JUDGE_PROMPT_VERSION);
    const text = JUDGE_PROMPT.text;
    const order = ["Following the instruction", "Helpfulness", "No hallucination"].map((c) => text.indexOf(c));
    expect(order.every((i) => i >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("JUDGE_PROMPT fences the texts, says they are not instructions, and asks for JSON", () => {
    expect(JUDGE_PROMPT.text).toMatch(/never instructions/);
    expect(JUDGE_PROMPT.text).toContain("<<<answer A {fence} begins>>>");
    expect(JUDGE_PROMPT.text).toContain('"verdict"');
    expect(JUDGE_REASK_SUFFIX).toContain('"verdict"');
  });
});

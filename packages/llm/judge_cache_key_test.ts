import { describe, expect, it } from "vitest";
import { judgeCacheKey, type JudgeSetup } from "./judge_cache_key.ts";
import { JUDGE_PROMPT } from "./judge_prompt.ts";
import { judgeTemplateFromText } from "./judge_template.ts";

const setup = (changes: Partial<JudgeSetup> = {}): JudgeSetup => ({ provider: "openai", model: "gpt-4o", template: JUDGE_PROMPT, params: { temperature: 0 }, ...changes });
const pair = { question: ["q"], answerA: ["a"], answerB: ["b"] };

describe("judgeCacheKey()", () => {
  it("judgeCacheKey() changes with the order, the answers, the question, the model, the prompt and the parameters", () => {
    const base = judgeCacheKey(setup(), pair, "a-first");
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const others = [
      judgeCacheKey(setup(), pair, "b-first"),
      judgeCacheKey(setup(), { ...pair, answerA: ["a!"] }, "a-first"),
      judgeCacheKey(setup(), { ...pair, answerB: ["b!"] }, "a-first"),
      judgeCacheKey(setup(), { ...pair, question: ["q!"] }, "a-first"),
      judgeCacheKey(setup({ model: "gpt-4.1" }), pair, "a-first"),
      judgeCacheKey(setup({ template: judgeTemplateFromText("{question}{answer_a}{answer_b}", "t") }), pair, "a-first"),
      judgeCacheKey(setup({ params: { temperature: 1 } }), pair, "a-first"),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it("judgeCacheKey() is the same for the same answers shown in the same positions, whichever model is A", () => {
    expect(judgeCacheKey(setup(), pair, "b-first")).toBe(judgeCacheKey(setup(), { question: ["q"], answerA: ["b"], answerB: ["a"] }, "a-first"));
    expect(judgeCacheKey(setup({ params: { b: 1, a: 2 } }), pair, "a-first")).toBe(judgeCacheKey(setup({ params: { a: 2, b: 1 } }), pair, "a-first"));
  });
});

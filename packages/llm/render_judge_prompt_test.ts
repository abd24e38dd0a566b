import { describe, expect, it } from "vitest";
import { JUDGE_PROMPT } from "./judge_prompt.ts";
import { judgeTemplateFromText } from "./judge_template.ts";
import { renderJudgePrompt, renderTurns } from "./render_judge_prompt.ts";

const pair = { question: ["2+2?"], answerA: ["4"], answerB: ["5"] };

describe("renderTurns()", () => {
  it("renderTurns() writes one turn as it is and numbers several", () => {
    expect(renderTurns(["Hi"])).toBe("Hi");
    expect(renderTurns(["Hi", "Again"])).toBe("[turn 1]\nHi\n\n[turn 2]\nAgain");
  });
});

describe("renderJudgePrompt()", () => {
  it("renderJudgePrompt() shows model A's answer first in the a-first order and model B's in the b-first order", () => {
    const template = judgeTemplateFromText("Q={question} A={answer_a} B={answer_b}", "t.txt");
    expect(renderJudgePrompt(template, pair, "a-first")).toBe("Q=2+2? A=4 B=5");
    expect(renderJudgePrompt(template, pair, "b-first")).toBe("Q=2+2? A=5 B=4");
  });

  it("renderJudgePrompt() copies placeholders and replacement patterns inside the texts as they are", () => {
    const template = judgeTemplateFromText("[{question}|{answer_a}|{answer_b}]", "t.txt");
    expect(renderJudgePrompt(template, { question: ["{answer_b} $&"], answerA: ["{fence} $'"], answerB: ["constructor"] }, "a-first")).toBe("[{answer_b} $&|{fence} $'|constructor]");
  });

  it("renderJudgePrompt() fences with a code from the texts, which differs between the orders", () => {
    const a = renderJudgePrompt(JUDGE_PROMPT, pair, "a-first");
    const b = renderJudgePrompt(JUDGE_PROMPT, pair, "b-first");
    const code = (prompt: string) => /<<<answer A ([0-9a-f]{12}) begins>>>/.exec(prompt)?.[1];
    expect(code(a)).toBeDefined();
    expect(code(a)).not.toBe(code(b));
    expect(a).not.toContain("{fence}");
    expect(a).toContain(`<<<answer A ${code(a)} begins>>>\n4\n<<<answer A ${code(a)} ends>>>`);
  });
});

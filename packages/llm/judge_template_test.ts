import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { judgeTemplateFromText, loadJudgeTemplate } from "./judge_template.ts";
import { PromptTemplateError } from "./prompt_template.ts";

describe("judgeTemplateFromText()", () => {
  it("judgeTemplateFromText() versions a template by a hash of its text", () => {
    const a = judgeTemplateFromText("{question} {answer_a} {answer_b}", "a.txt");
    expect(a.version).toMatch(/^file:[0-9a-f]{12}$/);
    expect(judgeTemplateFromText("{question} {answer_a} {answer_b}!", "a.txt").version).not.toBe(a.version);
  });

  it("judgeTemplateFromText() requires each placeholder exactly once, and names the answer placeholders", () => {
    expect(() => judgeTemplateFromText("{answer_a} {answer_b}", "x.txt")).toThrow(PromptTemplateError);
    expect(() => judgeTemplateFromText("{question} {answer_a} {answer_a} {answer_b}", "x.txt")).toThrow("{answer_a} exactly once; it has 2");
    expect(() => judgeTemplateFromText("{question} {answer_1} {answer_2}", "paper.txt")).toThrow("{answer_a} for the first shown");
  });
});

describe("loadJudgeTemplate()", () => {
  it("loadJudgeTemplate() reads a template file, and says so when there is none", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-judge-template-"));
    writeFileSync(join(dir, "t.txt"), "Q {question}\n1 {answer_a}\n2 {answer_b}\n");
    expect(await loadJudgeTemplate(join(dir, "t.txt"))).toMatchObject({ origin: join(dir, "t.txt"), text: "Q {question}\n1 {answer_a}\n2 {answer_b}\n" });
    await expect(loadJudgeTemplate(join(dir, "missing.txt"))).rejects.toThrow("no such file");
  });
});

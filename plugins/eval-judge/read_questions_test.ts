import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readQuestions } from "./read_questions.ts";

const file = (lines: string[]) => {
  const path = join(mkdtempSync(join(tmpdir(), "ual-questions-")), "q.jsonl");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};

describe("readQuestions()", () => {
  it("readQuestions() reads MT-bench questions and generic {id, prompt} ones, ids as strings", async () => {
    const path = file(['{"question_id": 81, "category": "writing", "turns": ["q1", "q2"]}', "", '{"id": "x", "prompt": "hello"}']);
    expect(await readQuestions(path)).toEqual([
      { id: "81", category: "writing", turns: ["q1", "q2"] },
      { id: "x", turns: ["hello"] },
    ]);
  });

  it("readQuestions() reads the bundled MT-bench slice", async () => {
    const questions = await readQuestions(join(import.meta.dirname, "fixtures", "mt-bench", "question_slice.jsonl"));
    expect(questions).toHaveLength(10);
    expect(new Set(questions.map((q) => q.category))).toEqual(new Set(["writing", "reasoning", "math", "coding"]));
    expect(questions.every((q) => q.turns.length === 2)).toBe(true);
  });

  it("readQuestions() names the file and line of a bad record", async () => {
    const bad = file(['{"id": 1, "prompt": "a"}', "{not json"]);
    await expect(readQuestions(bad)).rejects.toThrow(`${bad}:2: not a JSON record`);
    await expect(readQuestions(file(['{"prompt": "a"}']))).rejects.toThrow(':1: a question needs an id ("question_id" or "id")');
    await expect(readQuestions(file(['{"id": 1, "turns": []}']))).rejects.toThrow('question 1 needs "turns"');
    await expect(readQuestions(file(['{"id": 1, "prompt": "a"}', '{"question_id": "1", "prompt": "b"}']))).rejects.toThrow(":2: question id 1 appears again (first on line 1)");
    await expect(readQuestions(join(tmpdir(), "no-such-questions.jsonl"))).rejects.toThrow("cannot read prompts file");
  });
});

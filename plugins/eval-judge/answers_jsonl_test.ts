import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { answersJsonl } from "./answers_jsonl.ts";
import { readAnswers } from "./read_answers.ts";

describe("answersJsonl", () => {
  it("answersJsonl() writes one {id, response} line per question, in their order, that readAnswers() reads back", async () => {
    const questions = [
      { id: "82", turns: ["q"] },
      { id: "81", turns: ["q1", "q2"] },
    ];
    const answers = new Map([
      ["81", ["a1 \"quoted\"\n", "a2"]],
      ["82", [""]],
    ]);
    const text = answersJsonl(questions, answers);
    expect(text).toBe('{"id":"82","response":""}\n{"id":"81","response":["a1 \\"quoted\\"\\n","a2"]}\n');
    const path = join(mkdtempSync(join(tmpdir(), "answers-jsonl-")), "responses.jsonl");
    writeFileSync(path, text);
    expect(await readAnswers(path)).toEqual(answers);
  });

  it("answersJsonl() refuses a question without an answer", () => {
    expect(() => answersJsonl([{ id: "7", turns: ["q"] }], new Map())).toThrow("no answer to question 7");
  });
});

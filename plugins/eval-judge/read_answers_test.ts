import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readAnswers } from "./read_answers.ts";

const file = (lines: string[]) => {
  const path = join(mkdtempSync(join(tmpdir(), "ual-answers-")), "a.jsonl");
  writeFileSync(path, `${lines.join("\n")}\n`);
  return path;
};

describe("readAnswers()", () => {
  it("readAnswers() reads {id, response} (one turn or several) and MT-bench answer files (the first choice)", async () => {
    const path = file(['{"id": "a", "response": "one"}', '{"id": 2, "response": ["t1", "t2"]}', '{"question_id": 81, "choices": [{"index": 0, "turns": ["x", "y"]}, {"turns": ["z"]}]}']);
    expect(await readAnswers(path)).toEqual(new Map([["a", ["one"]], ["2", ["t1", "t2"]], ["81", ["x", "y"]]]));
  });

  it("readAnswers() names the file and line of an answer without text or with a repeated id", async () => {
    await expect(readAnswers(file(['{"id": 1, "text": "?"}']))).rejects.toThrow(':1: the answer to question 1 needs "response"');
    await expect(readAnswers(file(['{"id": 1, "response": "a"}', '{"question_id": 1, "response": "b"}']))).rejects.toThrow(":2: a second answer to question 1 (the first is on line 1)");
    await expect(readAnswers(file(["[1, 2]"]))).rejects.toThrow("an answer must be a JSON object");
  });
});

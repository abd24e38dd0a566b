import { describe, expect, it } from "vitest";
import { parseMultipleChoiceRecord } from "./parse_multiple_choice_record.ts";

const arc = { question: "Q?", choices: { text: ["a", "b", "c", "d"], label: ["1", "2", "3", "4"] }, answerKey: "4" };

describe("parseMultipleChoiceRecord()", () => {
  it("parseMultipleChoiceRecord() maps ARC's numeric answer keys through the labels", () => {
    expect(parseMultipleChoiceRecord(arc, "arc", "f:1")).toEqual({ question: "Q?", kind: "question", choices: ["a", "b", "c", "d"], answer: 3, format: "arc" });
    expect(parseMultipleChoiceRecord({ ...arc, choices: { text: ["x", "y"], label: ["A", "B"] }, answerKey: "B" }, "auto", "f:1").answer).toBe(1);
    expect(() => parseMultipleChoiceRecord({ ...arc, answerKey: "E" }, "arc", "data/arc.jsonl:7")).toThrow(/^data\/arc\.jsonl:7: answerKey "E" is not one of the labels \["1","2","3","4"\]; the arc layout is/);
  });

  it("parseMultipleChoiceRecord() reads MMLU, HellaSwag, TruthfulQA mc1 and the generic layout", () => {
    expect(parseMultipleChoiceRecord({ question: "Q", choices: ["a", "b", "c"], answer: 2 }, "mmlu", "f:1")).toMatchObject({ answer: 2, kind: "question", format: "mmlu" });
    expect(parseMultipleChoiceRecord({ ctx: "He", endings: ["x", "y"], label: "1" }, "auto", "f:1")).toMatchObject({ question: "He", answer: 1, kind: "continuation", format: "hellaswag" });
    expect(parseMultipleChoiceRecord({ question: "Q", mc1_targets: { choices: ["r", "w"], labels: [0, 1] } }, "auto", "f:1")).toMatchObject({ answer: 1, format: "truthfulqa-mc1" });
    expect(parseMultipleChoiceRecord({ question: "Q", choices: ["a", "b"], answer: "b" }, "auto", "f:1")).toMatchObject({ answer: 1, format: "generic" });
    expect(parseMultipleChoiceRecord({ question: "Q", choices: ["a", "b"], answer: "B" }, "generic", "f:1").answer).toBe(1);
    expect(parseMultipleChoiceRecord({ question: "Q", choices: ["a", "b"], answer: 0 }, "auto", "f:1").answer).toBe(0);
  });

  it("parseMultipleChoiceRecord() says where a record is wrong and what was expected", () => {
    const bad: Array<[unknown, Parameters<typeof parseMultipleChoiceRecord>[1], RegExp]> = [
      [[1, 2], "auto", /^x\.jsonl:3: expected a JSON object, got \[1,2\]$/],
      [{ foo: 1 }, "auto", /^x\.jsonl:3: cannot tell the record's layout from its fields \(foo\); expected one of arc/],
      [{ question: "Q", choices: ["a", "b"], answer: "1" }, "mmlu", /answer is "1", not an index; the mmlu layout is \{question: string, choices: string\[\], answer: index/],
      [{ question: "Q", choices: ["a", "b"], answer: 2 }, "mmlu", /answer is 2, not an index from 0 to 1/],
      [{ question: "Q", choices: ["only"], answer: 0 }, "generic", /choices has 1 choice; a question needs at least 2/],
      [{ question: 3, choices: ["a", "b"], answer: 0 }, "generic", /question is 3, not a string/],
      [{ question: "Q", choices: ["a", "b"], answer: "Z" }, "generic", /answer "Z" is neither one of the choices nor a letter A–B/],
      [{ ctx: "c", endings: ["a", "b"], label: "" }, "hellaswag", /label is empty \(the test split of HellaSwag has no labels/],
      [{ question: "Q", mc1_targets: { choices: ["a", "b"], labels: [1, 1] } }, "truthfulqa-mc1", /mc1_targets\.labels has 2 ones; mc1 has exactly one right answer/],
      [{ question: "Q", mc1_targets: { choices: ["a", "b"], labels: [1] } }, "auto", /mc1_targets\.labels is \[1\], not 2 zeros and ones.*format: auto guessed it/],
      [{ question: "Q", choices: ["a", "b"], answerKey: "A" }, "arc", /choices is \["a","b"\], not \{text, label\}/],
    ];
    for (const [record, format, message] of bad) expect(() => parseMultipleChoiceRecord(record, format, "x.jsonl:3")).toThrow(message);
  });
});

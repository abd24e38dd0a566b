import { describe, expect, it } from "vitest";
import { pairAnswers } from "./pair_answers.ts";

const questions = [
  { id: "1", category: "math", turns: ["q1a", "q1b"] },
  { id: "2", turns: ["q2a", "q2b"] },
];
const a = new Map([["1", ["a1a", "a1b"]], ["2", ["a2a", "a2b"]], ["9", ["unused"]]]);
const b = new Map([["1", ["b1a", "b1b"]], ["2", ["b2a"]]]);
const sources = { a: "a.jsonl", b: "b.jsonl" };

describe("pairAnswers()", () => {
  it("pairAnswers() pairs the first turns by id by default, ignoring answers to other questions", () => {
    expect(pairAnswers(questions, a, b, "first", sources).map((p) => p.pair)).toEqual([
      { question: ["q1a"], answerA: ["a1a"], answerB: ["b1a"] },
      { question: ["q2a"], answerA: ["a2a"], answerB: ["b2a"] },
    ]);
  });

  it("pairAnswers() with turns: all needs a reply to every turn", () => {
    expect(pairAnswers(questions.slice(0, 1), a, b, "all", sources)[0]?.pair).toEqual({ question: ["q1a", "q1b"], answerA: ["a1a", "a1b"], answerB: ["b1a", "b1b"] });
    expect(() => pairAnswers(questions, a, b, "all", sources)).toThrow("b.jsonl: the answer to question 2 has 1 turn(s) but the question has 2");
  });

  it("pairAnswers() names the file and the questions a model did not answer", () => {
    const many = Array.from({ length: 8 }, (_, i) => ({ id: `m${i}`, turns: ["q"] }));
    expect(() => pairAnswers([...questions, ...many], a, b, "first", sources)).toThrow("a.jsonl has no answer to 8 of the 10 questions (m0, m1, m2, m3, m4, …)");
  });
});

import type { JudgeQuestion } from "./read_questions.ts";

/**
 * One model's answers as the JSONL {@linkcode readAnswers} reads: a line `{"id", "response"}` per
 * question, in the questions' order — `response` a string for one turn, a list for several. This is
 * the `responses.jsonl` the judge writes when it generates model A's answers, so that a later run
 * can judge against it (`baseline:`) or judge it again (`responses:`).
 *
 * @example
 * ```ts
 * answersJsonl([{ id: "81", turns: ["Write a blog post…"] }], new Map([["81", ["Aloha!"]]]));
 * // '{"id":"81","response":"Aloha!"}\n'
 * ```
 */
export function answersJsonl(questions: readonly JudgeQuestion[], answers: ReadonlyMap<string, readonly string[]>): string {
  const lines = questions.map((q) => {
    const turns = answers.get(q.id);
    if (turns === undefined || turns.length === 0) throw new Error(`answersJsonl: no answer to question ${q.id}`);
    return JSON.stringify({ id: q.id, response: turns.length === 1 ? turns[0] : turns });
  });
  return `${lines.join("\n")}\n`;
}

import type { JudgePair } from "@ual/llm";
import type { JudgeQuestion } from "./read_questions.ts";

/** A question with the two answers to compare. */
export interface QuestionPair {
  question: JudgeQuestion;
  pair: JudgePair;
}

/** Where the answers came from, for messages. */
export interface AnswerSources {
  a: string;
  b: string;
}

/**
 * Matches each question with model A's and model B's answers by id. With `turns: "first"` only
 * the first turn of the question and of each answer is judged (MT-bench's questions have two);
 * with `"all"` the whole exchange is, and each answer needs a reply to every turn. A question
 * either model did not answer is an error naming the file and the ids (up to five): judging a
 * subset silently would compare the models on different questions.
 *
 * @example
 * ```ts
 * const pairs = pairAnswers(questions, await readAnswers(a), await readAnswers(b), "first", { a, b });
 * pairs[0].pair; // { question: ["Compose …"], answerA: ["Aloha! …"], answerB: ["Hawaii …"] }
 * ```
 */
export function pairAnswers(
  questions: readonly JudgeQuestion[],
  answersA: ReadonlyMap<string, readonly string[]>,
  answersB: ReadonlyMap<string, readonly string[]>,
  turns: "first" | "all",
  sources: AnswerSources,
): QuestionPair[] {
  for (const [answers, source] of [[answersA, sources.a], [answersB, sources.b]] as const) {
    const missing = questions.filter((q) => !answers.has(q.id)).map((q) => q.id);
    if (missing.length > 0) {
      const shown = missing.slice(0, 5).join(", ");
      throw new Error(`${source} has no answer to ${missing.length} of the ${questions.length} questions (${shown}${missing.length > 5 ? ", …" : ""}); both models must answer every question judged`);
    }
    if (turns === "all") {
      const short = questions.filter((q) => (answers.get(q.id)?.length ?? 0) < q.turns.length);
      if (short.length > 0) {
        const q = short[0] as JudgeQuestion;
        throw new Error(`${source}: the answer to question ${q.id} has ${answers.get(q.id)?.length} turn(s) but the question has ${q.turns.length}; turns: all needs a reply to every turn (or use turns: first)`);
      }
    }
  }
  return questions.map((question) => {
    const n = turns === "all" ? question.turns.length : 1;
    const a = answersA.get(question.id) as readonly string[];
    const b = answersB.get(question.id) as readonly string[];
    return { question, pair: { question: question.turns.slice(0, n), answerA: a.slice(0, n), answerB: b.slice(0, n) } };
  });
}

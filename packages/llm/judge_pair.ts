/**
 * One question and the two answers to compare. Each is a list of turns: the user's turns of the
 * question, and each model's replies to them, in order (one each for a single-turn question).
 * `answerA` is the model under test's, `answerB` the baseline's.
 */
export interface JudgePair {
  question: readonly string[];
  answerA: readonly string[];
  answerB: readonly string[];
}

/**
 * Which answer the judge sees first. Both orders are judged (spec §9): a judge that prefers a
 * position shows it by disagreeing with itself.
 */
export type AnswerOrder = "a-first" | "b-first";

/**
 * The answers in the order the judge sees them: `[first, second]`.
 *
 * @example
 * ```ts
 * shownAnswers({ question: ["q"], answerA: ["a"], answerB: ["b"] }, "b-first"); // [["b"], ["a"]]
 * ```
 */
export function shownAnswers(pair: JudgePair, order: AnswerOrder): [readonly string[], readonly string[]] {
  return order === "a-first" ? [pair.answerA, pair.answerB] : [pair.answerB, pair.answerA];
}

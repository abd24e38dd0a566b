import { answerDistribution } from "./answer_distribution.ts";
import { normalizeAnswer } from "./normalize_answer.ts";

/**
 * Whether `answer` is one of the valid answers of a testbed prompt (compared after
 * {@linkcode normalizeAnswer}). For a low-entropy prompt that is correctness; for a high-entropy
 * one, validity ("kiwi" is a fruit, "carrot" is not).
 *
 * @throws {RangeError} when `prompt` is not a testbed prompt — a typo should not read as "invalid".
 *
 * @example
 * ```ts
 * isValidAnswer("Name a fruit.", "Kiwi"); // true
 * isValidAnswer("What is 17 + 25?", "43"); // false
 * ```
 */
export function isValidAnswer(prompt: string, answer: string): boolean {
  const truth = answerDistribution(prompt);
  if (truth === undefined) throw new RangeError(`not a testbed prompt: ${JSON.stringify(prompt)}`);
  const normalized = normalizeAnswer(answer);
  return truth.answers.some((a) => normalizeAnswer(a.answer) === normalized);
}

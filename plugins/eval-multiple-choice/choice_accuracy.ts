import { argmax } from "./_argmax.ts";

/** A choice's teacher-forced score: Σ log p of its tokens, its token count and its character count. */
export interface ChoiceScore {
  logProb: number;
  tokens: number;
  /** The choice's length in characters (Unicode code points, as Python's `len`), without the target delimiter: lm-eval-harness's normaliser. */
  chars: number;
}

/** A scored question: one score per choice, and the index of the correct one. */
export interface ScoredQuestion {
  scores: readonly ChoiceScore[];
  answer: number;
}

/** An accuracy with the half-width of its 95% Wald interval. */
export interface Accuracy {
  value: number;
  ci95: number;
}

/**
 * Multiple-choice accuracy from choice log-likelihoods, with lm-eval-harness's names and
 * definitions (`lm_eval/api/task.py`): `acc` picks the choice with the largest Σ log p; `accNorm`
 * (the harness's `acc_norm`) the largest Σ log p divided by the choice's length in characters, so
 * long choices are not penalised; `accNormTokens` divides by the choice's token count instead (not a
 * harness metric: tokenizer-dependent, hence its own name). Ties go to the first choice (numpy's
 * argmax). Each comes with a Wald 95% half-width 1.96·√(p(1−p)/n).
 *
 * @throws {RangeError} for no questions, a question with no choices, or an answer index outside them.
 *
 * @example
 * ```ts
 * choiceAccuracy([{ answer: 1, scores: [{ logProb: -2, tokens: 1, chars: 2 }, { logProb: -3, tokens: 3, chars: 9 }] }]);
 * // { acc: { value: 0, ci95: 0 }, accNorm: { value: 1, ci95: 0 }, accNormTokens: { value: 1, ci95: 0 } }
 * ```
 */
export function choiceAccuracy(questions: readonly ScoredQuestion[]): { acc: Accuracy; accNorm: Accuracy; accNormTokens: Accuracy } {
  if (questions.length === 0) throw new RangeError("choiceAccuracy: no questions");
  let acc = 0;
  let accNorm = 0;
  let accNormTokens = 0;
  questions.forEach((q, i) => {
    if (q.scores.length === 0) throw new RangeError(`choiceAccuracy: question ${i} has no choices`);
    if (!(Number.isInteger(q.answer) && q.answer >= 0 && q.answer < q.scores.length)) throw new RangeError(`choiceAccuracy: question ${i}'s answer ${q.answer} is not one of its ${q.scores.length} choices`);
    if (argmax(q.scores.map((s) => s.logProb)) === q.answer) acc++;
    if (argmax(q.scores.map((s) => s.logProb / Math.max(1, s.chars))) === q.answer) accNorm++;
    if (argmax(q.scores.map((s) => s.logProb / Math.max(1, s.tokens))) === q.answer) accNormTokens++;
  });
  const wald = (correct: number): Accuracy => {
    const p = correct / questions.length;
    return { value: p, ci95: 1.96 * Math.sqrt((p * (1 - p)) / questions.length) };
  };
  return { acc: wald(acc), accNorm: wald(accNorm), accNormTokens: wald(accNormTokens) };
}

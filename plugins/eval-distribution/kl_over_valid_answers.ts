/** One valid answer's true probability and the model's log-probability of it. */
export interface ValidAnswer {
  probability: number;
  modelLogProb: number;
}

/**
 * KL(true ‖ model) in nats over a prompt's valid answers: the model's probabilities of the valid
 * answers (teacher-forced log p of each whole answer, EOS included) are renormalised to sum to 1
 * over the valid set, so the KL compares the *shape* of the distributions; the mass the model puts
 * outside the valid set is measured separately (validity rate). Computed in log space: answers
 * of a few tokens have probabilities far below float range.
 *
 * @example
 * ```ts
 * klOverValidAnswers([{ probability: 0.5, modelLogProb: -1 }, { probability: 0.5, modelLogProb: -1 }]); // 0
 * ```
 */
export function klOverValidAnswers(answers: readonly ValidAnswer[]): number {
  if (answers.length === 0) throw new RangeError("klOverValidAnswers: no valid answers");
  const max = Math.max(...answers.map((a) => a.modelLogProb));
  const logZ = max + Math.log(answers.reduce((s, a) => s + Math.exp(a.modelLogProb - max), 0));
  let kl = 0;
  for (const a of answers) if (a.probability > 0) kl += a.probability * (Math.log(a.probability) - (a.modelLogProb - logZ));
  return kl;
}

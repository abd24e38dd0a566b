/** A scored reference answer: Σ log p of its tokens and how many there are. */
export interface AnswerLogProb {
  logProb: number;
  tokens: number;
}

/**
 * Held-out NLL in nats per token: −Σ log p / Σ tokens over all answers, i.e. each token weighs
 * the same (the training loss's `targets` denominator, spec §3.2), so long answers count more
 * than short ones. exp of it is the perplexity.
 *
 * @example
 * ```ts
 * perTokenNll([{ logProb: -2, tokens: 1 }, { logProb: -4, tokens: 3 }]); // 1.5
 * ```
 */
export function perTokenNll(answers: readonly AnswerLogProb[]): number {
  let nll = 0;
  let tokens = 0;
  for (const a of answers) {
    nll -= a.logProb;
    tokens += a.tokens;
  }
  if (tokens === 0) throw new RangeError("perTokenNll: no tokens to average over");
  return nll / tokens;
}

import { SCORE_RANGE } from "./parse_score.ts";

/** One candidate token at a position of the reply, with its log-probability. */
export interface TokenAlternative {
  token: string;
  logprob: number;
}

/** The probability-weighted score, and how much probability the valid candidates held. */
export interface ExpectedScore {
  score: number;
  /** The summed probability of the candidates that are whole numbers in 0–99. */
  mass: number;
}

/**
 * The expected score under the model's distribution at the score's token: Σ p·n / Σ p over the
 * candidates that are whole numbers in 0–99 (the top-k logprobs an API returns). With the
 * o200k/cl100k tokenizers every number up to 999 is one token, so a candidate "4" is the score
 * 4, never the start of "45". Returns undefined when the valid candidates hold less than
 * `minMass` of the probability: then the sampled number is the better answer.
 *
 * @example
 * ```ts
 * expectedScore([{ token: "40", logprob: Math.log(0.5) }, { token: "60", logprob: Math.log(0.5) }]);
 * // { score: 50, mass: 1 }
 * ```
 */
export function expectedScore(alternatives: readonly TokenAlternative[], minMass = 0.5): ExpectedScore | undefined {
  let mass = 0;
  let weighted = 0;
  for (const { token, logprob } of alternatives) {
    const text = token.trim();
    if (!/^\d{1,2}$/.test(text)) continue;
    const value = Number(text);
    if (value < SCORE_RANGE.min || value > SCORE_RANGE.max || !Number.isFinite(logprob)) continue;
    const p = Math.exp(logprob);
    mass += p;
    weighted += p * value;
  }
  if (mass <= 0 || mass < minMass) return undefined;
  // Rounded to 1e-6: the sum of exp(logprob) products carries float noise no one should see.
  return { score: Math.round((weighted / mass) * 1e6) / 1e6, mass: Math.min(1, mass) };
}

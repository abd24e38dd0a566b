import type { AnswerProbability } from "./testbed_prompt.ts";

/** Every answer equally likely: H = ln k. */
export function uniform(answers: readonly string[]): AnswerProbability[] {
  return answers.map((answer) => ({ answer, probability: 1 / answers.length }));
}

/**
 * Zipf's law with exponent 1 over the order given: p_i = (1/i) / H_k, H_k the k-th harmonic
 * number. A few answers dominate, as "name a fruit" does for people, and the entropy stays known.
 */
export function zipf(answers: readonly string[]): AnswerProbability[] {
  const harmonic = answers.reduce((sum, _, i) => sum + 1 / (i + 1), 0);
  return answers.map((answer, i) => ({ answer, probability: 1 / (i + 1) / harmonic }));
}

/** The one correct answer: H = 0. */
export function single(answer: string): AnswerProbability[] {
  return [{ answer, probability: 1 }];
}

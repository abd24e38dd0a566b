import type { Rng } from "@ual/random";

/** One token id drawn from a probability vector (inverse CDF; zero-probability ids are never drawn). */
export function drawToken(probabilities: ArrayLike<number>, rng: Rng): number {
  let u = rng.float();
  let last = -1;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i] as number;
    if (p === 0) continue;
    last = i;
    u -= p;
    if (u < 0) return i;
  }
  // the probabilities can sum to a hair under 1; the remainder goes to the last possible token
  return last;
}

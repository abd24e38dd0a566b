/**
 * The Shannon entropy −Σ p·ln p of a distribution, in nats (0·ln 0 = 0). The testbed's truth:
 * each prompt's H(answer | prompt).
 *
 * @throws {RangeError} when a probability is negative or not finite, or they do not sum to 1
 *   (within 1e-9).
 *
 * @example
 * ```ts
 * entropyNats([0.25, 0.25, 0.25, 0.25]); // 1.3862943611198906 (= ln 4)
 * entropyNats([1]); // 0
 * ```
 */
export function entropyNats(probabilities: readonly number[]): number {
  let total = 0;
  let entropy = 0;
  for (const p of probabilities) {
    if (!(p >= 0 && p <= 1)) throw new RangeError(`entropyNats(): ${String(p)} is not a probability`);
    total += p;
    if (p > 0) entropy -= p * Math.log(p);
  }
  if (Math.abs(total - 1) > 1e-9) throw new RangeError(`entropyNats(): the probabilities sum to ${total}, not 1`);
  // −1·ln 1 is −0; a clean 0 reads better in JSON and in tests.
  return entropy === 0 ? 0 : entropy;
}

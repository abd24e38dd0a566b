import { createRng, fnv1a } from "@ual/random";

/** The noise of {@linkcode noisyScore}: a target rank correlation with the true scores. */
export interface OracleNoise {
  /** Spearman ρ between the true and the noisy scores, from 0 (pure noise) to 1 (the oracle). */
  spearman: number;
  /** Seeds the noise together with each sample's id (`@ual/uncertainty-oracle` passes the run seed). */
  seed: number;
}

// The reference the true score is standardised by: a score spread evenly over 0–99 has mean 49.5
// and standard deviation 99/√12. Fixed, not the data's own moments, because an offline estimator
// rates one sample at a time and must not depend on which samples came before.
const CENTER = 49.5;
const SPREAD = 99 / Math.sqrt(12);

/**
 * The Pearson correlation ρ' of a bivariate normal whose Spearman correlation is `spearman`:
 * ρ_s = (6/π)·arcsin(ρ'/2), so ρ' = 2·sin(π·ρ_s/6) (Pearson 1907; Kruskal 1958). ρ_s = 0.7 needs
 * ρ' = 0.7167.
 *
 * @example
 * ```ts
 * pearsonForSpearman(0.7); // 0.71673…
 * pearsonForSpearman(1); // 1
 * ```
 */
export function pearsonForSpearman(spearman: number): number {
  if (!(spearman >= -1 && spearman <= 1)) throw new RangeError(`pearsonForSpearman(): ${spearman} is not a correlation in [-1, 1]`);
  return 2 * Math.sin((Math.PI * spearman) / 6);
}

/**
 * A noisy rating of a sample whose true score on the 0–99 scale is `score`: a stand-in for an
 * imperfect LLM rater, with a stated rank correlation to the truth. Per sample, with no look at
 * the rest of the data:
 *
 *   z = (score − 49.5) / 28.58                        the score standardised (a score uniform on 0–99 has mean 49.5, sd 28.58)
 *   n = ρ'·z + √(1 − ρ'²)·ε,  ρ' = 2·sin(π·ρ/6)       ε ~ N(0, 1), drawn from seed and sample id
 *   noisy = clamp(49.5 + 28.58·n, 0, 99)
 *
 * The rater regresses towards the middle by ρ' and adds independent noise so that n has the
 * spread of z. When z is normal, (z, n) is bivariate normal with Pearson ρ', hence Spearman ρ
 * exactly (before clamping). For other score distributions the realised ρ differs — ties pull
 * it away (the testbed's scores: half are 0), so the plugin logs the ρ it realised. ρ = 1 gives
 * the true score back; ε depends only on (seed, id), so the rating is the same whatever order
 * or concurrency the samples come in.
 *
 * @example
 * ```ts
 * noisyScore(40, "s1", { spearman: 1, seed: 3 }); // 40
 * noisyScore(40, "s1", { spearman: 0.7, seed: 3 }); // the same number on every call
 * ```
 */
export function noisyScore(score: number, sampleId: string, noise: OracleNoise): number {
  // 2·sin(π/6) is 0.9999999999999999 in floating point: test ρ itself
  if (noise.spearman === 1) return score;
  const rho = pearsonForSpearman(noise.spearman);
  const epsilon = createRng(fnv1a(`ual-oracle-noise:${noise.seed}:${sampleId}`)).normal();
  const z = (score - CENTER) / SPREAD;
  const n = rho * z + Math.sqrt(1 - rho * rho) * epsilon;
  return Math.min(99, Math.max(0, CENTER + SPREAD * n));
}

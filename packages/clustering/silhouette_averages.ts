import { createRng } from "@ual/random";

/** Options of {@linkcode silhouetteAverages}. */
export interface SilhouetteAveragesOptions {
  /** How many pairs the random sample holds (default 100, the size of the paper's Table 5). */
  sampleSize?: number;
  /** The seed of the random sample (default 0). */
  seed?: number;
}

/** A mean over a set of pairs. */
export interface PairMean {
  /** The mean silhouette; NaN when no pair of the set has one. */
  mean: number;
  /** How many pairs the mean is over (pairs with a null silhouette are left out). */
  n: number;
}

/** What {@linkcode silhouetteAverages} returns: the two numbers of spec §9's feature-clustering row. */
export interface SilhouetteAverages {
  /** The mean over every pair. */
  allPairs: PairMean;
  /** The mean over a seeded uniform random sample of pairs, and which pairs (indices, ascending). */
  randomPairs: PairMean & { indices: number[]; seed: number };
}

/**
 * The averages the project reports for feature clustering (spec §9; spec §6.5 item 5 (a) and
 * (b)): the mean silhouette over all pairs, and over a seeded, uniformly random sample of
 * `sampleSize` pairs drawn without replacement (all pairs when there are fewer).
 *
 * The sample depends only on the seed and the number of pairs, so runs of different models that
 * share a tokenizer and evaluation prompts — hence the same top-K tokens and pairs — are averaged
 * over the same pairs. Pairs with a null silhouette stay in the draw but not in the mean, so they
 * cannot shift which other pairs are drawn.
 *
 * @param scores one silhouette per pair (e.g. `pairSilhouettes(...).pairs.map((p) => p.silhouette)`).
 *
 * @example
 * ```ts
 * const { allPairs, randomPairs } = silhouetteAverages([0.2, 0.4, null, 0.9], { sampleSize: 2, seed: 7 });
 * allPairs; // { mean: 0.5, n: 3 }
 * randomPairs; // { mean: 0.9, n: 1, indices: [2, 3], seed: 7 } — pair 2 has no silhouette
 * ```
 */
export function silhouetteAverages(scores: ReadonlyArray<number | null>, options: SilhouetteAveragesOptions = {}): SilhouetteAverages {
  const sampleSize = options.sampleSize ?? 100;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(sampleSize) || sampleSize < 1) throw new RangeError(`silhouetteAverages(): sampleSize must be a positive integer, got ${sampleSize}`);
  const all = scores.map((_, i) => i);
  const indices = createRng(seed).shuffle(all.slice())
    .slice(0, sampleSize)
    .sort((i, j) => i - j);
  return { allPairs: meanOf(scores, all), randomPairs: { ...meanOf(scores, indices), indices, seed } };
}

function meanOf(scores: ReadonlyArray<number | null>, indices: readonly number[]): PairMean {
  let sum = 0;
  let n = 0;
  for (const i of indices) {
    const score = scores[i];
    if (score === null || score === undefined) continue;
    sum += score;
    n++;
  }
  return { mean: n === 0 ? Number.NaN : sum / n, n };
}

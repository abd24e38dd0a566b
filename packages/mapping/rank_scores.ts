import { InvalidScoreError } from "./invalid_score_error.ts";

/**
 * Normalised average ranks in [0, 1]: (r − 1)/(n − 1), where r is the 1-based rank of each score
 * and tied scores share the average of their ranks. Ranks make a mapping depend only on the order
 * of the scores, not their scale, so a rater that uses only part of the 0–99 scale (or a skewed
 * one) still spreads ε evenly. A single score gets 0.
 *
 * @throws {InvalidScoreError} when a score is NaN or infinite (it has no place in the order).
 *
 * @example
 * ```ts
 * import { rankScores } from "@ual/mapping";
 *
 * rankScores([30, 10, 20, 20]); // [1, 0, 0.5, 0.5]
 * ```
 */
export function rankScores(scores: ArrayLike<number>): Float64Array {
  const n = scores.length;
  for (let i = 0; i < n; i++) {
    const u = scores[i];
    if (!(typeof u === "number" && Number.isFinite(u))) throw new InvalidScoreError(i, u, "a finite number");
  }
  const ranks = new Float64Array(n);
  if (n <= 1) return ranks;
  // A numeric typed-array sort, then one binary search per score, is faster than sorting indices
  // with a comparator; and tied scores land on the same position, so they come out alike.
  const sorted = Float64Array.from(scores).sort();
  // rankAt[p]: the normalised average rank of the tie group that starts at sorted position p.
  // A group holds 0-based positions first … last; their average, (first + last)/2, is r − 1 for
  // the average 1-based rank r.
  const rankAt = new Float64Array(n);
  for (let first = 0; first < n; ) {
    let last = first;
    while (last + 1 < n && sorted[last + 1] === sorted[first]) last++;
    rankAt[first] = (first + last) / 2 / (n - 1);
    first = last + 1;
  }
  for (let i = 0; i < n; i++) ranks[i] = rankAt[lowerBound(sorted, scores[i]!)]!;
  return ranks;
}

/** The first index whose value is ≥ x (for x in `sorted`, the start of its tie group). */
function lowerBound(sorted: Float64Array, x: number): number {
  // The branch-free form (the range halves whatever the comparison says) lets the engine use a
  // conditional move instead of a branch it mispredicts half the time: about twice as fast here.
  let base = 0;
  let length = sorted.length;
  while (length > 1) {
    const half = length >>> 1;
    base = sorted[base + half - 1]! < x ? base + half : base;
    length -= half;
  }
  return sorted[base]! < x ? base + 1 : base;
}

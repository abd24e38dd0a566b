import { InvalidScoreError } from "./invalid_score_error.ts";

/** What {@linkcode imputeMedian} returns. */
export interface ImputeMedianResult {
  /** The scores with every null replaced by the median, in the original order. */
  scores: Float64Array;
  /** How many nulls were replaced. */
  imputed: number;
  /** The median of the valid scores that was imputed; null when there was no null to replace. */
  median: number | null;
}

/**
 * Replaces missing (null) uncertainty scores by the median of the valid ones. A rating can fail
 * (an unparseable answer, a refused request); spec §9 imputes the median rather than dropping the
 * sample, so the sample still trains with a typical ε, and the count is reported. The median of an
 * even number of scores is the mean of the two middle ones.
 *
 * @throws {InvalidScoreError} when a score is neither null nor a finite number ≥ 0.
 * @throws {Error} when every score is null (there is no median to impute).
 *
 * @example
 * ```ts
 * import { imputeMedian } from "@ual/mapping";
 *
 * const { scores, imputed, median } = imputeMedian([10, null, 30, 20]);
 * // scores = [10, 20, 30, 20], imputed = 1, median = 20
 * ```
 */
export function imputeMedian(scores: ReadonlyArray<number | null>): ImputeMedianResult {
  const n = scores.length;
  const filled = new Float64Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const u = scores[i];
    if (u === null) {
      missing++;
    } else if (typeof u === "number" && u >= 0 && u < Infinity) {
      filled[i] = u;
    } else {
      throw new InvalidScoreError(i, u, "a finite number ≥ 0, or null for a missing score");
    }
  }
  if (missing === 0) return { scores: filled, imputed: 0, median: null };
  if (missing === n) {
    throw new Error(
      `All ${n} uncertainty scores are null, so there is no valid score to take the median of. ` +
        `Check why no sample could be rated (the uncertainty stage logs a reason per sample), ` +
        `or use the "constant" or "none" mapper, which do not need scores.`,
    );
  }
  const valid = new Float64Array(n - missing);
  let j = 0;
  for (let i = 0; i < n; i++) if (scores[i] !== null) valid[j++] = filled[i]!;
  valid.sort();
  const middle = valid.length >>> 1;
  const median = valid.length % 2 === 1 ? valid[middle]! : (valid[middle - 1]! + valid[middle]!) / 2;
  for (let i = 0; i < n; i++) if (scores[i] === null) filled[i] = median;
  return { scores: filled, imputed: missing, median };
}

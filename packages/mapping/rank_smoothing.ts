import { rankScores } from "./rank_scores.ts";
import { type TruncatedLinearOptions, type TruncatedLinearResult, truncatedLinear } from "./truncated_linear.ts";
import { checkScores } from "./_validate.ts";

/**
 * The truncated-linear map applied to the normalised ranks of the scores instead of the scores
 * themselves: the least uncertain sample gets ε = 0, and the mean ε is still α. It uses only the
 * order of the scores, so it is robust to a rater that bunches its scores or uses a skewed scale.
 * `beta` in the result is the slope on the normalised ranks (in [0, 1]).
 *
 * @throws {InvalidScoreError} when a score is negative, NaN or infinite.
 * @throws {InfeasibleAlphaError} when α is above cap × the share of non-zero ranks (e.g. one sample).
 * @throws {RangeError} for an invalid α, cap or solver (see {@linkcode truncatedLinear}).
 *
 * @example
 * ```ts
 * import { rankSmoothing } from "@ual/mapping";
 *
 * const { values } = rankSmoothing([5, 90, 40], { alpha: 0.1 });
 * // ranks [0, 1, 0.5] → values [0, 0.2, 0.1]
 * ```
 */
export function rankSmoothing(
  scores: ArrayLike<number>,
  options: TruncatedLinearOptions = {},
): TruncatedLinearResult {
  // Checked here so that the error names the caller's score, not a rank.
  checkScores(scores);
  return truncatedLinear(rankScores(scores), options);
}

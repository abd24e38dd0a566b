import { DEFAULT_GAMMA } from "./defaults.ts";
import { type TruncatedLinearOptions, type TruncatedLinearResult, truncatedLinear } from "./truncated_linear.ts";
import { checkScores } from "./_validate.ts";

/** Options of {@linkcode powerSmoothing}. */
export interface PowerSmoothingOptions extends TruncatedLinearOptions {
  /** The exponent γ > 0 applied to the scores. Default 2. */
  gamma?: number;
}

/**
 * The truncated-linear map applied to u^γ: ε_i = min(β·(u_i / max u)^γ, cap), mean ε = α. γ > 1
 * concentrates smoothing on the most uncertain samples, γ < 1 spreads it out, γ = 1 is
 * {@linkcode truncatedLinear}. Scores are divided by their maximum first, which changes nothing
 * (β absorbs any scale) but keeps u^γ from overflowing for large γ; so `beta` in the result is the
 * slope on (u / max u)^γ.
 *
 * @throws {InvalidScoreError} when a score is negative, NaN or infinite.
 * @throws {InfeasibleAlphaError} when α > cap·m/n (m non-zero scores of n).
 * @throws {RangeError} when γ is not a finite number > 0, or for an invalid α, cap or solver.
 *
 * @example
 * ```ts
 * import { powerSmoothing } from "@ual/mapping";
 *
 * const { values } = powerSmoothing([1, 2, 3], { alpha: 0.1, gamma: 2 });
 * // ∝ [1, 4, 9] → values [0.0214…, 0.0857…, 0.1929…]
 * ```
 */
export function powerSmoothing(
  scores: ArrayLike<number>,
  options: PowerSmoothingOptions = {},
): TruncatedLinearResult {
  const { gamma = DEFAULT_GAMMA, ...rest } = options;
  if (typeof gamma !== "number" || !(gamma > 0 && gamma < Infinity)) {
    throw new RangeError(`gamma must be a finite number > 0 (the exponent on the scores), got ${String(gamma)}.`);
  }
  checkScores(scores);
  let max = 0;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]!);
  const powered = new Float64Array(scores.length);
  // All zero: leave them zero and let truncatedLinear() say why α is infeasible (or return zeros for α = 0).
  if (max > 0) for (let i = 0; i < scores.length; i++) powered[i] = (scores[i]! / max) ** gamma;
  return truncatedLinear(powered, rest);
}

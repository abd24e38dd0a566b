import { checkCount } from "./_validate.ts";

/**
 * The same ε = α for every sample: ordinary label smoothing, the paper's "LS" baseline, and the
 * fallback when the scores cannot support a truncated-linear map (spec §2.3, all scores zero).
 *
 * @throws {RangeError} when `n` is not a non-negative integer or α is not in [0, 1].
 *
 * @example
 * ```ts
 * import { constantSmoothing } from "@ual/mapping";
 *
 * constantSmoothing(3, 0.1); // [0.1, 0.1, 0.1]
 * ```
 */
export function constantSmoothing(n: number, alpha: number): Float64Array {
  checkCount(n);
  if (typeof alpha !== "number" || !(alpha >= 0 && alpha <= 1)) {
    throw new RangeError(`alpha must be a number in [0, 1] (the ε of every sample), got ${String(alpha)}.`);
  }
  return new Float64Array(n).fill(alpha);
}

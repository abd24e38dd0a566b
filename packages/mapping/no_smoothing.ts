import { checkCount } from "./_validate.ts";

/**
 * ε = 0 for every sample: plain supervised fine-tuning with one-hot targets (SFT), the baseline
 * UAL is compared with.
 *
 * @throws {RangeError} when `n` is not a non-negative integer.
 *
 * @example
 * ```ts
 * import { noSmoothing } from "@ual/mapping";
 *
 * noSmoothing(2); // [0, 0]
 * ```
 */
export function noSmoothing(n: number): Float64Array {
  checkCount(n);
  return new Float64Array(n);
}

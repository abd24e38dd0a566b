/**
 * Thrown when an uncertainty score is not a finite number ≥ 0 (spec §2.3: negative scores are
 * invalid input; NaN and ±Infinity have no meaningful ε). It names the offending sample's index
 * so that the caller can find it in the dataset.
 *
 * @example
 * ```ts
 * import { InvalidScoreError, truncatedLinear } from "@ual/mapping";
 *
 * try {
 *   truncatedLinear([3, -1, 5]);
 * } catch (error) {
 *   if (error instanceof InvalidScoreError) console.error(error.index, error.value); // 1 -1
 * }
 * ```
 */
export class InvalidScoreError extends Error {
  /** The position of the bad score in the array that was passed in. */
  readonly index: number;
  /** The bad value itself (for JavaScript callers it may not even be a number). */
  readonly value: unknown;

  /**
   * @param index Position of the bad score.
   * @param value The bad value.
   * @param expected What a valid score is, for the message (default "a finite number ≥ 0").
   */
  constructor(index: number, value: unknown, expected = "a finite number ≥ 0") {
    super(`Invalid uncertainty score at index ${index}: got ${describe(value)}, expected ${expected}.`);
    this.name = "InvalidScoreError";
    this.index = index;
    this.value = value;
  }
}

function describe(value: unknown): string {
  if (typeof value === "number" || value === undefined) return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

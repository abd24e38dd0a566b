import { InvalidScoreError } from "./invalid_score_error.ts";

/**
 * Checks the target mean α and the cap v_t (spec §2.3: α < 0 is invalid; α > v_t can never be
 * reached; the cap is a probability mass, so it lies in (0, 1]).
 */
export function checkAlphaAndCap(alpha: number, cap: number): void {
  if (typeof cap !== "number" || !Number.isFinite(cap) || cap <= 0 || cap > 1) {
    throw new RangeError(
      `cap must be a finite number in (0, 1] (the largest allowed ε; the paper uses 0.99), got ${String(cap)}.`,
    );
  }
  if (typeof alpha !== "number" || !Number.isFinite(alpha)) {
    throw new RangeError(`alpha must be a finite number (the target mean ε), got ${String(alpha)}.`);
  }
  if (alpha < 0) {
    throw new RangeError(`alpha must be ≥ 0 (the target mean ε; 0 means no smoothing), got ${alpha}.`);
  }
  if (alpha > cap) {
    throw new RangeError(
      `alpha ${alpha} is above the cap ${cap}: the mean ε can never exceed the largest allowed ε. ` +
        `Lower alpha, or raise cap (at most 1).`,
    );
  }
}

/** Throws {@linkcode InvalidScoreError} for the first score that is not a finite number ≥ 0. */
export function checkScores(scores: ArrayLike<number>): void {
  for (let i = 0; i < scores.length; i++) {
    const u = scores[i];
    // Written so that NaN, ±Infinity and non-numbers all fail the one test.
    if (!(typeof u === "number" && u >= 0 && u < Infinity)) throw new InvalidScoreError(i, u);
  }
}

/** Checks a sample count. */
export function checkCount(n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new RangeError(`n must be a non-negative integer (the number of samples), got ${String(n)}.`);
  }
}

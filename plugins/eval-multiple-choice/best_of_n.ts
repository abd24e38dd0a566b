/**
 * The probability that at least one of n independent draws hits the gold answer, 1 − (1 − p)^n:
 * the expected value of the reference's oracle "Best-of-N" for one question whose first-token
 * gold mass is p (spec §6.1, N = 4 there). Computed as −expm1(n·log1p(−p)), which stays exact for
 * tiny p where 1 − (1 − p)^n would cancel.
 *
 * @throws {RangeError} for p outside [0, 1] or n not a positive integer.
 *
 * @example
 * ```ts
 * bestOfN(0.5, 4); // 0.9375
 * ```
 */
export function bestOfN(p: number, n: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`bestOfN: p must be a probability, got ${p}`);
  if (!(Number.isInteger(n) && n >= 1)) throw new RangeError(`bestOfN: n must be an integer ≥ 1, got ${n}`);
  return p === 1 ? 1 : -Math.expm1(n * Math.log1p(-p));
}

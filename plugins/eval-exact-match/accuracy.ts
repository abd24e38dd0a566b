/**
 * The share of correct answers and the half-width of its 95% Wald interval (1.96·√(p(1−p)/n)),
 * an evaluator's within-run uncertainty; across seeds the matrix reports its own interval.
 *
 * @example
 * ```ts
 * accuracy([true, false, true, true]); // { value: 0.75, ci95: 0.424… }
 * ```
 */
export function accuracy(correct: readonly boolean[]): { value: number; ci95: number } {
  if (correct.length === 0) throw new RangeError("accuracy: no answers");
  const p = correct.filter(Boolean).length / correct.length;
  return { value: p, ci95: 1.96 * Math.sqrt((p * (1 - p)) / correct.length) };
}

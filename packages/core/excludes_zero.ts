import type { MeanCi } from "./mean_ci95.ts";

/**
 * Whether a 95% interval (mean ± halfWidth) leaves 0 out — for a paired difference, whether the
 * two arms differ at the 5% level (a two-sided paired t-test says the same thing). An interval
 * without a width (n = 1) excludes nothing: one seed says nothing about the spread.
 *
 * @example
 * ```ts
 * excludesZero({ mean: 0.2, halfWidth: 0.12, n: 3 }); // true
 * excludesZero({ mean: 0.01, halfWidth: 0.6, n: 3 }); // false
 * ```
 */
export function excludesZero(ci: MeanCi): boolean {
  return Number.isFinite(ci.mean) && Number.isFinite(ci.halfWidth) && Math.abs(ci.mean) > ci.halfWidth;
}

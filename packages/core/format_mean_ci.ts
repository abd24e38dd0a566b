import { excludesZero } from "./excludes_zero.ts";
import type { MeanCi } from "./mean_ci95.ts";

/** What {@linkcode formatMeanCi} writes after an interval that excludes 0 (with `marked`). */
export const EXCLUDES_ZERO_MARK = "*";

/**
 * A mean and its 95% interval as the tables and the report print them: `0.5150 ± 0.0635 (n=2)`,
 * four decimals (one from 100 up), `mean (n=1)` when there is no interval. `signed` writes a + on
 * positive means and `marked` a {@linkcode EXCLUDES_ZERO_MARK} after an interval that excludes 0
 * (both for differences from a baseline).
 *
 * @example
 * ```ts
 * formatMeanCi({ mean: 0.2, halfWidth: 0.12, n: 3 }, { signed: true, marked: true }); // "+0.2000 ± 0.1200 (n=3) *"
 * ```
 */
export function formatMeanCi(ci: MeanCi, options: { signed?: boolean; marked?: boolean } = {}): string {
  const digits = Math.abs(ci.mean) >= 100 ? 1 : 4;
  const mean = `${options.signed && ci.mean >= 0 ? "+" : ""}${ci.mean.toFixed(digits)}`;
  const text = Number.isFinite(ci.halfWidth) ? `${mean} ± ${ci.halfWidth.toFixed(digits)} (n=${ci.n})` : `${mean} (n=${ci.n})`;
  return options.marked && excludesZero(ci) ? `${text} ${EXCLUDES_ZERO_MARK}` : text;
}

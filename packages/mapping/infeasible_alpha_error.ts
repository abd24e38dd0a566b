/**
 * Thrown when no β reaches the target mean ε = α: with ε_i = min(β·u_i, cap), the mean can
 * never exceed cap·m/n, where m is the number of non-zero scores among n (spec §2.3). The
 * reference code loops forever here (spec §2.2); we stop and say what would work instead.
 *
 * @example
 * ```ts
 * import { InfeasibleAlphaError, truncatedLinear } from "@ual/mapping";
 *
 * try {
 *   truncatedLinear([0, 0, 0, 5], { alpha: 0.3 });
 * } catch (error) {
 *   if (error instanceof InfeasibleAlphaError) console.error(error.maxMean); // 0.2475
 * }
 * ```
 */
export class InfeasibleAlphaError extends Error {
  /** The requested mean ε. */
  readonly alpha: number;
  /** The largest allowed ε. */
  readonly cap: number;
  /** How many scores are non-zero (m). */
  readonly nonZero: number;
  /** How many scores there are (n). */
  readonly total: number;
  /** The share of non-zero scores, m/n. */
  readonly nonZeroShare: number;
  /** The largest reachable mean ε, cap·m/n. */
  readonly maxMean: number;

  /**
   * @param alpha The requested mean ε.
   * @param cap The largest allowed ε.
   * @param nonZero The number of non-zero scores.
   * @param total The number of scores.
   */
  constructor(alpha: number, cap: number, nonZero: number, total: number) {
    const share = total > 0 ? nonZero / total : 0;
    const maxMean = (cap * nonZero) / total;
    const why =
      nonZero === 0
        ? `all ${total} scores are zero (0% non-zero), so with cap ${cap} the largest reachable mean ε is 0`
        : `only ${nonZero} of ${total} scores (${percent(share)}) are non-zero, so with cap ${cap} ` +
          `the largest reachable mean ε is ${round(maxMean)} (cap × ${nonZero}/${total})`;
    const fix =
      nonZero === 0
        ? `Lower alpha to 0 (no smoothing), or use the constant mapper (every ε = alpha).`
        : `Lower alpha to at most ${round(maxMean)}, or use the constant mapper (every ε = alpha).`;
    super(`alpha ${alpha} is infeasible for the truncated-linear mapping: ${why}. ${fix}`);
    this.name = "InfeasibleAlphaError";
    this.alpha = alpha;
    this.cap = cap;
    this.nonZero = nonZero;
    this.total = total;
    this.nonZeroShare = share;
    this.maxMean = maxMean;
  }
}

// Six significant digits, rounded *down* so that the bound we suggest is itself feasible. The
// 1e-9 (of a unit in the last digit) keeps 0.2475 × 1e6 = 247499.99999999997 from becoming 0.247499;
// what it adds is far inside the 1e-12 feasibility tolerance of truncatedLinear().
function round(x: number): string {
  const scale = 10 ** (5 - Math.floor(Math.log10(Math.abs(x) || 1)));
  return String(Math.floor(x * scale + 1e-9) / scale);
}

function percent(share: number): string {
  return `${Number((share * 100).toPrecision(3))}%`;
}

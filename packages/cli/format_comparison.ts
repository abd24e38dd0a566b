import type { MetricRow } from "@ual/core";

function cell(ci: { mean: number; halfWidth: number; n: number } | undefined, signed: boolean): string {
  if (!ci) return "—";
  const digits = Math.abs(ci.mean) >= 100 ? 1 : 4;
  const mean = `${signed && ci.mean >= 0 ? "+" : ""}${ci.mean.toFixed(digits)}`;
  return Number.isFinite(ci.halfWidth) ? `${mean} ± ${ci.halfWidth.toFixed(digits)} (n=${ci.n})` : `${mean} (n=${ci.n})`;
}

/**
 * Formats metrics per arm as a plain-text table: one row per evaluator/subset/metric, one column
 * per arm, each cell `mean ± 95% CI half-width (n)`; `signed` writes a + on positive means (for
 * differences from a baseline).
 *
 * @example
 * ```ts
 * console.log(formatComparison(compareRuns(runs)));
 * ```
 */
export function formatComparison(rows: readonly MetricRow[], arms?: readonly string[], options: { signed?: boolean } = {}): string {
  if (rows.length === 0) return "no metrics to compare (the runs have no eval events)\n";
  const columns = arms ?? [...new Set(rows.flatMap((r) => Object.keys(r.byArm)))];
  const header = ["metric", ...columns];
  const body = rows.map((r) => [`${r.evaluator} ${r.subset ? `${r.subset} ` : ""}${r.metric}`, ...columns.map((a) => cell(r.byArm[a], options.signed ?? false))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((line) => (line[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n")}\n`;
}

/**
 * The paired-differences table (`pairedDifferences` of `@ual/core`): a title saying what was
 * subtracted, then one column per arm other than the baseline, each cell `arm − baseline` as
 * signed mean ± 95% CI half-width (seeds paired).
 *
 * @example
 * ```ts
 * console.log(formatDifferences(pairedDifferences(runs, "sft"), "sft", ["sft", "ual"]));
 * ```
 */
export function formatDifferences(rows: readonly MetricRow[], baseline: string, arms: readonly string[]): string {
  const others = arms.filter((arm) => arm !== baseline);
  return `\neach arm − ${baseline}, paired by seed (mean ± 95% CI of the per-seed differences):\n${formatComparison(rows, others, { signed: true })}`;
}

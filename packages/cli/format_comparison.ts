import type { MetricRow } from "@ual/core";

function cell(ci: { mean: number; halfWidth: number; n: number } | undefined): string {
  if (!ci) return "—";
  const digits = Math.abs(ci.mean) >= 100 ? 1 : 4;
  const mean = ci.mean.toFixed(digits);
  return Number.isFinite(ci.halfWidth) ? `${mean} ± ${ci.halfWidth.toFixed(digits)} (n=${ci.n})` : `${mean} (n=${ci.n})`;
}

/**
 * Formats metrics per arm as a plain-text table: one row per evaluator/subset/metric, one column
 * per arm, each cell `mean ± 95% CI half-width (n)`.
 *
 * @example
 * ```ts
 * console.log(formatComparison(compareRuns(runs)));
 * ```
 */
export function formatComparison(rows: readonly MetricRow[], arms?: readonly string[]): string {
  if (rows.length === 0) return "no metrics to compare (the runs have no eval events)\n";
  const columns = arms ?? [...new Set(rows.flatMap((r) => Object.keys(r.byArm)))];
  const header = ["metric", ...columns];
  const body = rows.map((r) => [`${r.evaluator} ${r.subset ? `${r.subset} ` : ""}${r.metric}`, ...columns.map((a) => cell(r.byArm[a]))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((line) => (line[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n")}\n`;
}

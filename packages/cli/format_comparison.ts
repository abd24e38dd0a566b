import { EXCLUDES_ZERO_MARK, formatMeanCi, type MeanCi, type MetricRow, type PairedDifferenceRow } from "@ual/core";

function cell(ci: MeanCi | undefined, signed: boolean, marked: boolean): string {
  return ci ? formatMeanCi(ci, { signed, marked }) : "—";
}

/**
 * Formats metrics per arm as a plain-text table: one row per evaluator/subset/metric, one column
 * per arm, each cell `mean ± 95% CI half-width (n)`; `signed` writes a + on positive means and
 * `marked` a `*` after intervals that exclude 0 (both for differences from a baseline).
 *
 * @example
 * ```ts
 * console.log(formatComparison(compareRuns(runs)));
 * ```
 */
export function formatComparison(rows: readonly MetricRow[], arms?: readonly string[], options: { signed?: boolean; marked?: boolean } = {}): string {
  if (rows.length === 0) return "no metrics to compare (the runs have no eval events)\n";
  const columns = arms ?? [...new Set(rows.flatMap((r) => Object.keys(r.byArm)))];
  const header = ["metric", ...columns];
  const body = rows.map((r) => [`${r.evaluator} ${r.subset ? `${r.subset} ` : ""}${r.metric}`, ...columns.map((a) => cell(r.byArm[a], options.signed ?? false, options.marked ?? false))]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((line) => (line[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ").trimEnd();
  return `${[line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n")}\n`;
}

/**
 * The paired-differences tables (`pairedDifferences` of `@ual/core`), one per baseline in the
 * given order: a title saying what was subtracted, one column per arm other than that baseline,
 * each cell `arm − baseline` as signed mean ± 95% CI half-width (n seeds paired), a `*` where the
 * interval excludes 0, and a legend line saying so. The half-width is what makes the table
 * honest: a true difference much smaller than it is one these seeds could not have detected.
 *
 * @example
 * ```ts
 * const rows = ["sft", "base"].flatMap((b) => pairedDifferences(runs, b));
 * console.log(formatDifferences(rows, ["sft", "base"], ["base", "sft", "ual"]));
 * ```
 */
export function formatDifferences(rows: readonly PairedDifferenceRow[], baselines: readonly string[], arms: readonly string[]): string {
  return baselines
    .map((baseline) => {
      const others = arms.filter((arm) => arm !== baseline);
      const own = rows.filter((r) => r.baseline === baseline);
      return `\neach arm − ${baseline}, paired by seed (mean ± 95% CI half-width of the per-seed differences, n seeds):\n${formatComparison(own, others, { signed: true, marked: true })}${DIFFERENCES_LEGEND}\n`;
    })
    .join("");
}

/** The line under each paired-differences table. */
const DIFFERENCES_LEGEND = `${EXCLUDES_ZERO_MARK} the 95% CI excludes 0 (the arms differ at the 5% level); ± is its half-width: a true difference much smaller than that is one these seeds could not detect.`;

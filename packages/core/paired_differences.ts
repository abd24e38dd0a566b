import type { RunEvents } from "./compare_runs.ts";
import { meanCi95, type MeanCi } from "./mean_ci95.ts";
import { type MetricId, metricValues } from "./_metric_values.ts";

/** One metric: each arm's difference from the baseline arm, paired by seed. */
export interface PairedDifferenceRow extends MetricId {
  baseline: string;
  /** arm − baseline: mean ± 95% CI over the seeds both ran (`n` of them). */
  byArm: Record<string, MeanCi>;
}

/**
 * Each arm's difference from a baseline arm on every metric, paired by seed: for every seed both
 * arms ran, arm − baseline, then the mean and Student-t 95% interval of those differences. Arms of
 * one matrix share their seeds (same data order, same initial weights), so pairing removes the
 * seed-to-seed spread that the per-arm intervals of {@linkcode compareRuns} carry: an interval of
 * the difference that excludes 0 is evidence an unpaired table cannot give with three seeds.
 * Seeds one of the two arms lacks (a failed cell) are left out; `n` says how many were paired.
 *
 * @throws {Error} when no run belongs to `baseline` (the message lists the arms there are).
 *
 * @example
 * ```ts
 * const rows = pairedDifferences(runs, "sft");
 * rows[0]?.byArm["ual-oracle"]; // { mean: -0.01, halfWidth: 0.03, n: 3 }: UAL − SFT
 * ```
 */
export function pairedDifferences(runs: readonly RunEvents[], baseline: string): PairedDifferenceRow[] {
  const arms = [...new Set(runs.map((r) => r.arm))];
  if (!arms.includes(baseline)) throw new Error(`baseline arm "${baseline}" has no runs; the arms are ${arms.join(", ")}`);
  // seed → the baseline's metric values
  const base = new Map<number | undefined, ReturnType<typeof metricValues>>();
  for (const run of runs) if (run.arm === baseline) base.set(run.seed, metricValues(run));
  const rows = new Map<string, MetricId & { differences: Map<string, number[]> }>();
  for (const run of runs) {
    if (run.arm === baseline) continue;
    const reference = base.get(run.seed);
    if (reference === undefined) continue;
    for (const [key, { value, ...id }] of metricValues(run)) {
      const other = reference.get(key);
      if (other === undefined) continue;
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { ...id, differences: new Map() }));
      const list = row.differences.get(run.arm) ?? [];
      list.push(value - other.value);
      row.differences.set(run.arm, list);
    }
  }
  return [...rows.values()].map(({ differences, ...id }) => ({
    ...id,
    baseline,
    byArm: Object.fromEntries([...differences].map(([arm, values]) => [arm, meanCi95(values)])),
  }));
}

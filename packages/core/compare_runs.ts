import { join } from "node:path";
import type { JsonObject } from "./json.ts";
import { EVENT_LOG, readEventLog, readRunRecord } from "./run_dir.ts";
import { meanCi95, type MeanCi } from "./mean_ci95.ts";
import { metricValues } from "./_metric_values.ts";

/** A finished run's events, with the arm and seed it stands for. */
export interface RunEvents {
  runId: string;
  /** The experiment arm (a matrix cell's arm, else the manifest's name). */
  arm: string;
  seed?: number;
  status?: string;
  /** The records of its `events.jsonl`. */
  events: readonly JsonObject[];
}

/** One metric across arms: mean ± 95% CI over each arm's runs (seeds). */
export interface MetricRow {
  evaluator: string;
  metric: string;
  subset?: string;
  byArm: Record<string, MeanCi>;
}

/**
 * Reads a run directory for comparison: its record (arm and seed of a matrix cell) and its
 * event log.
 */
export async function readRunEvents(runDir: string): Promise<RunEvents> {
  const record = await readRunRecord(runDir);
  if (!record) throw new Error(`${runDir}: not a run directory (no readable run.json)`);
  const events: JsonObject[] = [];
  for await (const event of readEventLog(join(runDir, EVENT_LOG))) events.push(event);
  const start = events.find((e) => e.type === "run.start");
  const name = typeof start?.manifest === "string" ? start.manifest : record.runId;
  return {
    runId: record.runId,
    arm: record.cell?.arm ?? name,
    ...(record.cell ? { seed: record.cell.seed } : {}),
    status: record.status,
    events,
  };
}

/**
 * Aggregates every metric the runs' evaluators reported: per arm, the mean over its runs with a
 * Student-t 95% interval. A run that reported a metric several times counts with its last value.
 *
 * @example
 * ```ts
 * const rows = compareRuns(await Promise.all(dirs.map(readRunEvents)));
 * for (const row of rows) console.log(row.metric, row.byArm.ual?.mean);
 * ```
 */
export function compareRuns(runs: readonly RunEvents[]): MetricRow[] {
  const rows = new Map<string, { evaluator: string; metric: string; subset?: string; values: Map<string, number[]> }>();
  for (const run of runs) {
    for (const [key, { value, ...id }] of metricValues(run)) {
      let row = rows.get(key);
      if (!row) rows.set(key, (row = { ...id, values: new Map() }));
      const values = row.values.get(run.arm) ?? [];
      values.push(value);
      row.values.set(run.arm, values);
    }
  }
  return [...rows.values()].map(({ values, ...id }) => ({ ...id, byArm: Object.fromEntries([...values].map(([arm, v]) => [arm, meanCi95(v)])) }));
}

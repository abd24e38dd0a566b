import type { RunEvents } from "./compare_runs.ts";

/** One metric's identity: which evaluator, which subset, which number. */
export interface MetricId {
  evaluator: string;
  metric: string;
  subset?: string;
}

/**
 * Every metric a run's evaluators reported, keyed by evaluator, metric and subset; a metric
 * reported several times counts with its last value (a resumed evaluator reports again).
 */
export function metricValues(run: RunEvents): Map<string, MetricId & { value: number }> {
  const last = new Map<string, MetricId & { value: number }>();
  for (const event of run.events) {
    if (event.type !== "eval" || typeof event.value !== "number") continue;
    const evaluator = String(event.evaluator);
    const metric = String(event.metric);
    const subset = typeof event.subset === "string" ? event.subset : undefined;
    last.set(JSON.stringify([evaluator, metric, subset ?? null]), { evaluator, metric, ...(subset !== undefined ? { subset } : {}), value: event.value });
  }
  return last;
}

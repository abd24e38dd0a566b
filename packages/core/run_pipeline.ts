import { lastValueFrom, reduce, map, type OperatorFunction } from "rxjs";
import type { RunStatus, UalEvent } from "./events.ts";
import type { JsonObject } from "./json.ts";
import type { ResolvedManifest } from "./resolve_manifest.ts";
import { run, type RunOptions } from "./run.ts";

/** How a run ended. */
export interface RunResult {
  runId: string;
  runDir: string;
  status: RunStatus;
  resumed: boolean;
  /** Output files by name (e.g. `smoothing` → `runs/<id>/smoothing.jsonl`). */
  outputs: Record<string, string>;
  /** Tallies: samples, scored, failed, cached, costUsd, ... */
  summary: JsonObject;
  /** What failed the run, if it failed (the fatal `error` event's message, secrets redacted). */
  error?: Error;
}

/**
 * Reduces a run's events to how it ended: the run's id and directory (`run.start`), its status,
 * outputs and tallies (`run.end`) and, for a failed run, the fatal error.
 *
 * @example
 * ```ts
 * const result = await lastValueFrom(run("examples/map-scores.yaml").pipe(toRunResult()));
 * ```
 */
export function toRunResult(): OperatorFunction<UalEvent, RunResult> {
  return (events$) =>
    events$.pipe(
      reduce((result: Partial<RunResult>, event) => {
        if (event.type === "run.start") return { ...result, runId: event.runId, runDir: event.runDir, resumed: event.resumed };
        if (event.type === "error" && event.fatal) return { ...result, error: new Error(event.message) };
        if (event.type === "run.end") return { ...result, runId: event.runId, ...(event.runDir ? { runDir: event.runDir } : {}), resumed: result.resumed ?? false, status: event.status, outputs: event.outputs, summary: event.summary };
        return result;
      }, {}),
      map((result) => {
        if (result.status === undefined || result.runDir === undefined) throw new Error("the run's events ended without run.start and run.end (was the stream cut short?)");
        const { error, ...rest } = result as RunResult;
        return { ...rest, ...(error && rest.status === "failed" ? { error } : {}) };
      }),
    );
}

/**
 * Runs a validated manifest to its end and says how it ended: {@linkcode run}, reduced with
 * {@linkcode toRunResult}. Never throws for a failing stage: the result says `failed` with the
 * error; it throws only when the run cannot start (a required secret missing → `ManifestError`).
 *
 * @example
 * ```ts
 * const resolved = await loadManifest("examples/map-scores.yaml");
 * const result = await runPipeline(resolved, { signal: AbortSignal.timeout(60_000) });
 * console.log(result.status, result.outputs.smoothing);
 * ```
 */
export function runPipeline(resolved: ResolvedManifest, options: RunOptions = {}): Promise<RunResult> {
  return lastValueFrom(run(resolved, options).pipe(toRunResult()));
}

export type { RunOptions } from "./run.ts";

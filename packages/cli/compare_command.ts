import { existsSync, readFileSync, statSync } from "node:fs";
import { compareRuns, pairedDifferences, readRunEvents, type RunEvents } from "@ual/core";
import { CliError, EXIT } from "./exit_codes.ts";
import { formatComparison, formatDifferences } from "./format_comparison.ts";
import type { CliIO } from "./io.ts";

/**
 * Reads the runs named on the command line: run directories, or matrix summaries
 * (`runs/<name>.matrix.json`) standing for their completed cells with their arms and seeds.
 */
/**
 * The baselines that matrix summaries among `paths` name (`baselines`, or the one-baseline
 * summary's `baseline`), first seen first; none for run directories.
 */
export function summaryBaselines(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    if (!existsSync(path) || !statSync(path).isFile()) continue;
    try {
      const summary = JSON.parse(readFileSync(path, "utf8")) as { baseline?: unknown; baselines?: unknown };
      const listed = Array.isArray(summary.baselines) ? summary.baselines : typeof summary.baseline === "string" ? [summary.baseline] : [];
      for (const b of listed) if (typeof b === "string" && !out.includes(b)) out.push(b);
    } catch {
      // collectRuns reports an unreadable summary
    }
  }
  return out;
}

export async function collectRuns(paths: readonly string[]): Promise<RunEvents[]> {
  const dirs: Array<{ dir: string; arm?: string; seed?: number }> = [];
  for (const path of paths) {
    if (!existsSync(path)) throw new CliError(`${path}: no such run directory or matrix summary`);
    if (statSync(path).isFile()) {
      let summary: { cells?: Array<{ runDir: string; arm: string; seed: number; status: string }> };
      try {
        summary = JSON.parse(readFileSync(path, "utf8")) as typeof summary;
      } catch (error) {
        throw new CliError(`${path}: not a matrix summary (${(error as Error).message})`);
      }
      if (!Array.isArray(summary.cells)) throw new CliError(`${path}: not a matrix summary (no "cells")`);
      for (const c of summary.cells) if (c.status === "completed") dirs.push({ dir: c.runDir, arm: c.arm, seed: c.seed });
    } else dirs.push({ dir: path });
  }
  return Promise.all(
    dirs.map(async ({ dir, arm, seed }) => {
      const run = await readRunEvents(dir).catch((error: unknown) => {
        throw new CliError((error as Error).message);
      });
      return { ...run, ...(arm !== undefined ? { arm } : {}), ...(seed !== undefined ? { seed } : {}) };
    }),
  );
}

/**
 * `ual compare <run-dir | name.matrix.json>...`: every metric of the given runs, per arm, as
 * mean ± 95% CI over the runs of each arm (a matrix summary file stands for all its cells); with
 * `--baseline` (one arm or several), also each arm minus each baseline, paired by seed.
 */
export async function compareCommand(paths: readonly string[], options: { json?: boolean; baseline?: string | readonly string[] }, io: CliIO): Promise<number> {
  const runs = await collectRuns(paths);
  const rows = compareRuns(runs);
  const arms = [...new Set(runs.map((r) => r.arm))];
  const baselines = typeof options.baseline === "string" ? [options.baseline] : [...(options.baseline ?? [])];
  const unknown = baselines.filter((b) => !arms.includes(b));
  if (unknown.length > 0) {
    io.stderr.write(`ual compare: --baseline ${unknown.join(", ")} ${unknown.length === 1 ? "is not an arm" : "are not arms"} of these runs (${arms.join(", ")})\n`);
    return EXIT.invalid;
  }
  const differences = baselines.length > 0 ? baselines.flatMap((b) => pairedDifferences(runs, b)) : undefined;
  if (options.json) io.stdout.write(`${JSON.stringify(differences ? { metrics: rows, baseline: baselines[0], baselines, differences } : rows)}\n`);
  else {
    io.stdout.write(formatComparison(rows, arms));
    if (differences) io.stdout.write(formatDifferences(differences, baselines, arms));
  }
  return EXIT.ok;
}

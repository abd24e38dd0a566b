import { lastValueFrom } from "rxjs";
import { loadMatrix, run, runMatrix, toRunResult, writeFileAtomic, type Reporter } from "@ual/core";
import { renderReport } from "@ual/reporter-html";
import { collectRuns } from "./compare_command.ts";
import { createConsoleReporter } from "@ual/reporter-console";
import { EXIT } from "./exit_codes.ts";
import { formatComparison, formatDifferences } from "./format_comparison.ts";
import type { CliIO } from "./io.ts";

/** Options of `ual run`. */
export interface RunCommandOptions {
  runsDir?: string;
  resume?: string;
  fresh?: boolean;
  quiet?: boolean;
  json?: boolean;
}

const STATUS_CODE = { completed: EXIT.ok, interrupted: EXIT.interrupted, failed: EXIT.failed } as const;

/**
 * `ual run <manifest>`: validates the manifest, then runs it with a console reporter (unless the
 * manifest names its own, or `--quiet`). A manifest with `matrix:` runs every arm × seed (finished
 * cells are skipped) and prints each metric per arm as mean ± 95% CI, then, with
 * `matrix.baseline`, one table of paired differences per baseline. Exit code: 0 completed,
 * 1 failed, 2 invalid manifest, 130 interrupted (run again to resume).
 */
export async function runCommand(file: string, options: RunCommandOptions, io: CliIO): Promise<number> {
  const matrix = await loadMatrix(file);
  const reporters = (hasConsole: boolean): Reporter[] => (!options.quiet && !hasConsole ? [createConsoleReporter({ stream: io.stderr })] : []);
  const common = {
    ...(options.runsDir ? { runsDir: options.runsDir } : {}),
    resume: options.fresh ? "never" : (options.resume ?? "auto"),
    ...(io.signal ? { signal: io.signal } : {}),
  };
  if (!matrix.isMatrix) {
    const resolved = matrix.cells[0]!.resolved;
    // The programmatic run, reduced to how it ended; the console reporter prints its events.
    const events$ = run(resolved, { ...common, reporters: reporters(resolved.stages.some((s) => s.plugin.name === "@ual/reporter-console")) });
    const result = await lastValueFrom(events$.pipe(toRunResult()));
    if (options.json) {
      const { runId, runDir, status, resumed, outputs, summary } = result;
      io.stdout.write(`${JSON.stringify({ runId, runDir, status, resumed, outputs, summary, ...(result.error ? { error: result.error.message } : {}) })}\n`);
    }
    if (options.quiet && result.error) io.stderr.write(`ual run: ${result.error.message}\n`);
    return STATUS_CODE[result.status];
  }
  const hasConsole = matrix.cells[0]?.resolved.stages.some((s) => s.plugin.name === "@ual/reporter-console") ?? false;
  const result = await runMatrix(matrix, {
    ...common,
    reporters: reporters(hasConsole),
    onCell: (cell, index, total) => {
      if (!options.quiet) io.stderr.write(`\n[${index + 1}/${total}] arm ${cell.arm}, seed ${cell.seed}\n`);
    },
  });
  const arms = [...new Set(matrix.cells.map((c) => c.arm))];
  const report = result.summary.replace(/\.matrix\.json$/, ".report.html");
  const baselines = result.baselines ?? [];
  await writeFileAtomic(report, renderReport(await collectRuns([result.summary]), { title: `UAL experiment ${matrix.name}`, baselines }));
  if (options.json) {
    const paired = result.differences ? { baseline: baselines[0], baselines, differences: result.differences } : {};
    io.stdout.write(`${JSON.stringify({ status: result.status, cells: result.cells, metrics: result.metrics, ...paired, summary: result.summary })}\n`);
  } else {
    io.stdout.write(formatComparison(result.metrics, arms));
    if (result.differences) io.stdout.write(formatDifferences(result.differences, baselines, arms));
  }
  if (!options.quiet) io.stderr.write(`matrix ${result.status}: ${result.cells.length} of ${matrix.cells.length} cells (${result.cells.filter((c) => c.skipped).length} reused) → ${result.summary}, report ${report}\n`);
  return STATUS_CODE[result.status];
}

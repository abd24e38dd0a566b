import { loadManifest, runPipeline, type Reporter } from "@ual/core";
import { createConsoleReporter } from "@ual/reporter-console";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/** Options of `ual run`. */
export interface RunCommandOptions {
  runsDir?: string;
  resume?: string;
  fresh?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/**
 * `ual run <manifest>`: validates the manifest, then runs it with a console reporter (unless the
 * manifest names its own, or `--quiet`). Exit code: 0 completed, 1 failed, 2 invalid manifest,
 * 130 interrupted (rerun to resume).
 */
export async function runCommand(file: string, options: RunCommandOptions, io: CliIO): Promise<number> {
  const resolved = await loadManifest(file);
  const reporters: Reporter[] = [];
  const hasConsole = resolved.stages.some((s) => s.plugin.name === "@ual/reporter-console");
  if (!options.quiet && !hasConsole) reporters.push(createConsoleReporter({ stream: io.stderr }));
  const result = await runPipeline(resolved, {
    ...(options.runsDir ? { runsDir: options.runsDir } : {}),
    resume: options.fresh ? "never" : (options.resume ?? "auto"),
    ...(io.signal ? { signal: io.signal } : {}),
    reporters,
  });
  if (options.json) {
    const { runId, runDir, status, resumed, outputs, summary } = result;
    io.stdout.write(`${JSON.stringify({ runId, runDir, status, resumed, outputs, summary, ...(result.error ? { error: result.error.message } : {}) })}\n`);
  }
  if (result.status === "completed") return EXIT.ok;
  if (result.status === "interrupted") return EXIT.interrupted;
  if (options.quiet && result.error) io.stderr.write(`ual run: ${result.error.message}\n`);
  return EXIT.failed;
}

import { join } from "node:path";
import { createPluginContext, loadMatrix, type OfflineEstimator, type ResolvedStage, type Source, type UncertaintyEstimator } from "@ual/core";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/**
 * `ual estimate <manifest>`: what the manifest's uncertainty stage would cost — tokens counted
 * offline, cached ratings free, sync and batch prices — without calling anything. Every arm of a
 * matrix whose rating setup differs is estimated once.
 */
export async function estimateCommand(file: string, options: { json?: boolean }, io: CliIO): Promise<number> {
  const matrix = await loadMatrix(file);
  const seen = new Set<string>();
  const results: Array<{ arm: string; estimator: string; estimate: unknown }> = [];
  const signal = io.signal ?? new AbortController().signal;
  for (const cell of matrix.cells) {
    const stage = cell.resolved.stages.find((s) => s.key === "uncertainty");
    const source = cell.resolved.stages.find((s) => s.key === "source");
    if (!stage || !source) continue;
    const identity = JSON.stringify([stage.plugin.name, stage.options, source.options]);
    if (seen.has(identity)) continue;
    seen.add(identity);
    const context = (s: ResolvedStage) =>
      createPluginContext({
        baseDir: cell.resolved.baseDir,
        cacheDir: join(process.cwd(), ".ual"),
        stage: s.key,
        signal,
        secrets: Object.fromEntries(Object.entries(s.secretEnv).map(([name, variable]) => [name, process.env[variable]])),
        secretEnv: s.secretEnv,
      });
    const reader = (await source.plugin.create(source.options as never, context(source))) as Source;
    const estimator = (await stage.plugin.create(stage.options as never, context(stage))) as UncertaintyEstimator;
    try {
      if (estimator.mode === "online" || !(estimator as OfflineEstimator).estimateCost) {
        io.stderr.write(`${cell.arm}: ${stage.plugin.name} makes no paid calls; nothing to estimate\n`);
        continue;
      }
      const estimate = await (estimator as OfflineEstimator).estimateCost!(reader.read({ signal }), { signal });
      results.push({ arm: cell.arm, estimator: stage.plugin.name, estimate });
      if (!options.json) io.stdout.write(`${matrix.cells.length > 1 ? `arm ${cell.arm}: ` : ""}${estimate.summary}\n`);
    } finally {
      if (estimator.mode !== "online") await estimator.close?.();
    }
  }
  if (options.json) io.stdout.write(`${JSON.stringify(results)}\n`);
  return EXIT.ok;
}

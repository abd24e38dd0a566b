import { formatIssue, loadMatrix } from "@ual/core";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/**
 * `ual validate <manifest>`: checks everything a run would check before it starts — structure,
 * plugins, their kinds, API versions and options, for every arm of a matrix — and prints every
 * problem with its path and line (exit 2), or what would run (exit 0). Unset secrets are notes.
 */
export async function validateCommand(file: string, options: { json?: boolean }, io: CliIO): Promise<number> {
  const matrix = await loadMatrix(file);
  const first = matrix.cells[0]!.resolved;
  const arms = [...new Set(matrix.cells.map((c) => c.arm))];
  const seeds = [...new Set(matrix.cells.map((c) => c.seed))];
  const warnings = [...new Set(matrix.cells.flatMap((c) => c.resolved.warnings.map((w) => formatIssue(w, file))))];
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, file, cells: matrix.cells.length, arms, seeds, stages: first.stages.map((s) => ({ stage: s.key, plugin: s.plugin.name, version: s.plugin.version, options: s.options })), warnings })}\n`);
    return EXIT.ok;
  }
  io.stdout.write(`${file}: ok${matrix.cells.length > 1 ? ` (${arms.length} arms × ${seeds.length} seeds = ${matrix.cells.length} runs: ${arms.join(", ")})` : ""}\n`);
  for (const stage of first.stages) io.stdout.write(`  ${stage.key.padEnd(14)} ${stage.plugin.name}@${stage.plugin.version}\n`);
  for (const warning of warnings) io.stderr.write(`note: ${warning}\n`);
  return EXIT.ok;
}

import { formatIssue, loadManifest } from "@ual/core";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/**
 * `ual validate <manifest>`: checks everything a run would check before it starts — structure,
 * plugins, their kinds, API versions and options — and prints every problem with its path and
 * line (exit 2), or what would run (exit 0). Unset secrets are printed as notes.
 */
export async function validateCommand(file: string, options: { json?: boolean }, io: CliIO): Promise<number> {
  const resolved = await loadManifest(file);
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, file, stages: resolved.stages.map((s) => ({ stage: s.key, plugin: s.plugin.name, version: s.plugin.version, options: s.options })), warnings: resolved.warnings.map((w) => formatIssue(w, file)) })}\n`);
    return EXIT.ok;
  }
  io.stdout.write(`${file}: ok\n`);
  for (const stage of resolved.stages) io.stdout.write(`  ${stage.key.padEnd(14)} ${stage.plugin.name}@${stage.plugin.version}\n`);
  for (const warning of resolved.warnings) io.stderr.write(`note: ${formatIssue(warning, file)}\n`);
  return EXIT.ok;
}

import { discoverPlugins } from "@ual/core";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/**
 * `ual plugins`: what a manifest in the working directory can `use:` — each installed plugin
 * with its specifier, kind, version and description — and packages that failed to load.
 */
export async function pluginsCommand(options: { json?: boolean }, io: CliIO): Promise<number> {
  const { plugins, problems } = await discoverPlugins(process.cwd());
  if (options.json) {
    io.stdout.write(`${JSON.stringify({ plugins: plugins.map((p) => ({ specifier: p.specifier, name: p.plugin.name, kind: p.plugin.kind, version: p.plugin.version, apiVersion: p.plugin.apiVersion, description: p.plugin.description ?? "" })), problems })}\n`);
    return EXIT.ok;
  }
  const width = Math.max(10, ...plugins.map((p) => p.specifier.length));
  io.stdout.write(`${"specifier".padEnd(width)}  ${"kind".padEnd(11)}  ${"version".padEnd(8)}  description\n`);
  for (const { specifier, plugin } of plugins) {
    io.stdout.write(`${specifier.padEnd(width)}  ${plugin.kind.padEnd(11)}  ${plugin.version.padEnd(8)}  ${plugin.description ?? ""}\n`);
  }
  for (const problem of problems) io.stderr.write(`warning: ${problem.package}: ${problem.message}\n`);
  return EXIT.ok;
}

import { statSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "@ual/core";
import { renderReport } from "@ual/reporter-html";
import { collectRuns, summaryBaselines } from "./compare_command.ts";
import { EXIT } from "./exit_codes.ts";
import type { CliIO } from "./io.ts";

/** Where a report goes by default: beside a matrix summary, or inside a single run's directory. */
export function defaultReportPath(paths: readonly string[]): string {
  const [first] = paths;
  if (paths.length === 1 && first !== undefined) {
    if (first.endsWith(".matrix.json")) return first.replace(/\.matrix\.json$/, ".report.html");
    if (statSync(first).isDirectory()) return join(first, "report.html");
  }
  return "report.html";
}

/**
 * `ual report <runs...>`: one self-contained HTML report (inline SVG charts) for run directories
 * or a matrix summary; it leads with the paired differences from each baseline (`--baseline`, or
 * the summary's `matrix.baseline`).
 */
export async function reportCommand(paths: readonly string[], options: { out?: string; title?: string; baseline?: readonly string[] }, io: CliIO): Promise<number> {
  const runs = await collectRuns(paths);
  const arms = [...new Set(runs.map((r) => r.arm))];
  const asked = options.baseline ?? [];
  const unknown = asked.filter((b) => !arms.includes(b));
  if (unknown.length > 0) {
    io.stderr.write(`ual report: --baseline ${unknown.join(", ")} ${unknown.length === 1 ? "is not an arm" : "are not arms"} of these runs (${arms.join(", ")})\n`);
    return EXIT.invalid;
  }
  // a summary's baselines whose cells never ran (an interrupted matrix) are left out
  const baselines = asked.length > 0 ? [...asked] : summaryBaselines(paths).filter((b) => arms.includes(b));
  const out = options.out ?? defaultReportPath(paths);
  await writeFileAtomic(out, renderReport(runs, { ...(options.title ? { title: options.title } : {}), baselines }));
  io.stderr.write(`report: ${out}\n`);
  return EXIT.ok;
}

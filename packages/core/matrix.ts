import { dirname, join, resolve } from "node:path";
import { compareRuns, readRunEvents, type MetricRow } from "./compare_runs.ts";
import { type PairedDifferenceRow, pairedDifferences } from "./paired_differences.ts";
import { writeJsonAtomic } from "./atomic_write.ts";
import { ManifestError, type ManifestIssue } from "./errors.ts";
import { parseManifestText } from "./manifest.ts";
import { readManifestFile, resolveManifest, type ResolvedManifest, type ResolveOptions } from "./resolve_manifest.ts";
import { findCompletedRun } from "./run_dir.ts";
import { closest } from "./_suggest.ts";
import { runPipeline, type RunOptions, type RunResult } from "./run_pipeline.ts";

/** One arm × seed of an experiment matrix, resolved and ready to run. */
export interface MatrixCell {
  arm: string;
  seed: number;
  resolved: ResolvedManifest;
}

/** A validated experiment matrix. */
export interface ResolvedMatrix {
  name: string;
  /** False for a plain manifest (one cell). */
  isMatrix: boolean;
  file?: string;
  baseDir: string;
  cells: MatrixCell[];
  /**
   * `matrix.baseline`: the arms the others are compared with, seed by seed, in the manifest's
   * order (`baseline: sft` is `["sft"]`); empty without one.
   */
  baselines: string[];
}

type Json = unknown;

function parsePath(path: string): Array<string | number> {
  return path.split(/\.|(?=\[)/).map((part) => (part.startsWith("[") ? Number(part.slice(1, -1)) : part));
}

/** Sets (or, for null, deletes) `value` at `path` inside a copy of `data`; `data` is not changed. */
function override(data: Json, path: Array<string | number>, value: Json): Json {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string | number, ...Array<string | number>];
  if (Array.isArray(data) || typeof head === "number") {
    const list: Json[] = Array.isArray(data) ? [...data] : [];
    const i = Number(head);
    if (rest.length === 0 && value === null) list.splice(i, 1);
    else list[i] = override(list[i], rest, value);
    return list;
  }
  const record: Record<string, Json> = data && typeof data === "object" ? { ...(data as Record<string, Json>) } : {};
  if (rest.length === 0 && value === null) delete record[head];
  else record[head] = override(record[head], rest, value);
  return record;
}

/** The manifest of one cell: the base without `matrix`, the arm's overrides applied, the seed set. */
export function cellManifest(data: Record<string, Json>, arm: string, overrides: Record<string, Json>, seed: number): Record<string, Json> {
  const { matrix: _matrix, ...base } = data;
  let cell: Json = structuredClone(base);
  for (const [path, value] of Object.entries(overrides)) cell = override(cell, parsePath(path), value);
  const out = cell as Record<string, Json>;
  out.name = `${String(base.name ?? "matrix")}-${arm}-s${seed}`;
  out.run = { ...((out.run as object | undefined) ?? {}), seed };
  return out;
}

/**
 * Validates an experiment matrix: every arm's manifest is resolved (plugins, options) and every
 * problem is reported — those in an arm's overrides at the override's line, prefixed with the arm.
 * Manifests without `matrix:` are a matrix of one cell.
 */
export async function resolveMatrix(text: string, options: ResolveOptions): Promise<ResolvedMatrix> {
  const source = parseManifestText(text);
  if (source.issues.length > 0) throw new ManifestError(source.issues, options.file);
  const data = source.data as Record<string, Json> | undefined;
  const matrix = data && typeof data === "object" ? (data.matrix as { seeds?: number[]; arms?: Record<string, Record<string, Json>>; baseline?: unknown } | undefined) : undefined;
  // The base manifest (with its matrix block) is checked first, with lines.
  const base = await resolveManifest(text, options).catch((error: unknown) => {
    // A base whose stages are only completed by the arms is fine; anything else is not.
    if (!matrix || !(error instanceof ManifestError)) throw error;
    return undefined;
  });
  const name = String(data?.name ?? "matrix");
  if (!matrix) return { name, isMatrix: false, ...(options.file ? { file: options.file } : {}), baseDir: options.baseDir, cells: [{ arm: name, seed: base!.manifest.run.seed, resolved: base! }], baselines: [] };
  const seeds = matrix.seeds ?? [1337];
  const arms = Object.entries(matrix.arms ?? {});
  if (arms.length === 0) throw new ManifestError([{ path: ["matrix", "arms"], message: "expected at least one arm", ...source.locate(["matrix", "arms"]) }], options.file);
  const issues: ManifestIssue[] = [];
  const cells: MatrixCell[] = [];
  for (const [arm, overrides] of arms) {
    for (const seed of seeds) {
      try {
        const resolved = await resolveManifest(cellManifest(data!, arm, overrides, seed), { ...options });
        cells.push({ arm, seed, resolved });
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        for (const issue of error.issues) {
          // Point at the override that introduced the problem, else at the base manifest.
          const key = Object.keys(overrides).find((k) => {
            const p = parsePath(k);
            return p.every((part, i) => issue.path[i] === part);
          });
          const at = key ? ["matrix", "arms", arm, key] : issue.path;
          issues.push({ ...issue, message: `arm "${arm}": ${issue.message}`, ...source.locate(at) });
        }
        break; // the seeds of an arm differ only in run.seed: one report per arm is enough
      }
    }
  }
  const baselines = baselinesOf(matrix.baseline, arms.map(([arm]) => arm), issues, source.locate);
  if (issues.length > 0) throw new ManifestError(issues, options.file);
  return { name, isMatrix: true, ...(options.file ? { file: options.file } : {}), baseDir: options.baseDir, cells, baselines };
}

/**
 * `matrix.baseline` as a list (one arm or several), each checked to be an arm; a problem is
 * reported at its own path (`matrix.baseline[1]`) with a did-you-mean when an arm is close.
 */
function baselinesOf(value: unknown, arms: readonly string[], issues: ManifestIssue[], locate: (path: ReadonlyArray<string | number>) => { line: number; column: number } | undefined): string[] {
  if (value === undefined) return [];
  const listed = typeof value === "string" ? [value] : Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === "string") ? (value as string[]) : undefined;
  if (listed === undefined) {
    issues.push({ path: ["matrix", "baseline"], message: `expected an arm's name or a list of them (one of ${arms.join(", ")}), got ${JSON.stringify(value)}`, ...locate(["matrix", "baseline"]) });
    return [];
  }
  const out: string[] = [];
  listed.forEach((baseline, i) => {
    const path = Array.isArray(value) ? ["matrix", "baseline", i] : ["matrix", "baseline"];
    if (!arms.includes(baseline)) {
      const hint = closest(baseline, arms);
      issues.push({ path, message: `"${baseline}" is not an arm; expected one of ${arms.join(", ")}${hint ? ` (did you mean "${hint}"?)` : ""}`, ...locate(path) });
    } else if (out.includes(baseline)) issues.push({ path, message: `"${baseline}" is listed twice`, ...locate(path) });
    else out.push(baseline);
  });
  return out;
}

/** Reads and resolves a manifest file as a matrix (a manifest without `matrix:` is a matrix of one cell). */
export async function loadMatrix(file: string, options: Omit<ResolveOptions, "baseDir" | "file"> = {}): Promise<ResolvedMatrix> {
  return resolveMatrix(await readManifestFile(file), { ...options, baseDir: dirname(resolve(file)), file });
}

/** What a matrix run did. */
export interface MatrixResult {
  status: RunResult["status"];
  /** Each cell's run, in order; `skipped` when an earlier completed run of it was reused. */
  cells: Array<{ arm: string; seed: number; runId: string; runDir: string; status: RunResult["status"]; skipped: boolean }>;
  /** Every metric, mean ± 95% CI per arm over the seeds. */
  metrics: MetricRow[];
  /**
   * With `matrix.baseline`: every other arm minus each baseline, paired by seed, mean ± 95% CI;
   * one row per baseline and metric, in the order of `baselines` (each row names its baseline).
   */
  differences?: PairedDifferenceRow[];
  /** The baselines `differences` was computed for (those with completed runs). */
  baselines?: string[];
  /** Where the summary was written (`<runsDir>/<name>.matrix.json`). */
  summary: string;
}

/**
 * Runs every cell of a matrix in turn — skipping cells that already completed (same resolved
 * manifest), resuming an interrupted one — then aggregates each metric per arm as mean ± 95% CI
 * over the seeds, and writes `<runsDir>/<name>.matrix.json`. Stops at the first cell that does
 * not complete.
 */
export async function runMatrix(matrix: ResolvedMatrix, options: RunOptions & { onCell?: (cell: MatrixCell, index: number, total: number) => void } = {}): Promise<MatrixResult> {
  const first = matrix.cells[0];
  const runsDir = options.runsDir
    ? resolve(options.runsDir)
    : first?.resolved.manifest.run.runsDir
      ? resolve(matrix.baseDir, first.resolved.manifest.run.runsDir)
      : join(process.cwd(), "runs");
  const cells: MatrixResult["cells"] = [];
  let status: RunResult["status"] = "completed";
  for (const [index, cell] of matrix.cells.entries()) {
    options.onCell?.(cell, index, matrix.cells.length);
    const done = options.resume === "never" ? undefined : await findCompletedRun(runsDir, cell.resolved.hash);
    if (done) {
      cells.push({ arm: cell.arm, seed: cell.seed, runId: done.runId, runDir: join(runsDir, done.runId), status: "completed", skipped: true });
      continue;
    }
    const result = await runPipeline(cell.resolved, { ...options, runsDir, cell: { matrix: matrix.name, arm: cell.arm, seed: cell.seed } });
    cells.push({ arm: cell.arm, seed: cell.seed, runId: result.runId, runDir: result.runDir, status: result.status, skipped: false });
    if (result.status !== "completed") {
      status = result.status;
      break;
    }
  }
  const runs = await Promise.all(cells.filter((c) => c.status === "completed").map(async (c) => ({ ...(await readRunEvents(c.runDir)), arm: c.arm, seed: c.seed })));
  const metrics = compareRuns(runs);
  // An interrupted matrix may not have reached a baseline's cells yet: compare with those it has.
  const baselines = matrix.baselines.filter((baseline) => runs.some((r) => r.arm === baseline));
  const differences = baselines.length > 0 ? baselines.flatMap((baseline) => pairedDifferences(runs, baseline)) : undefined;
  const summary = join(runsDir, `${matrix.name}.matrix.json`);
  // `baseline` (the first) stays for readers of the one-baseline summary; its rows are those of
  // `differences` whose `baseline` is it.
  const paired = differences ? { baseline: baselines[0], baselines, differences } : {};
  await writeJsonAtomic(summary, { name: matrix.name, status, cells, metrics, ...paired });
  return { status, cells, metrics, ...(differences ? { differences, baselines } : {}), summary };
}

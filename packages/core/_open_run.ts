import { randomBytes } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { writeJsonAtomic } from "./atomic_write.ts";
import { ManifestError } from "./errors.ts";
import type { EventDraft, UncertaintyEvent } from "./events.ts";
import type { JsonObject } from "./json.ts";
import { createRedactor } from "./redact.ts";
import { pluginSpecifier, type ResolvedManifest, type ResolvedStage } from "./resolve_manifest.ts";
import { EVENT_LOG, findResumableRun, readEventLog, readRunRecord, writeRunRecord, type MatrixCellRef, type RunRecord } from "./run_dir.ts";

/** What opening a run needs of the run's options. */
export interface OpenRunOptions {
  runsDir?: string;
  cacheDir?: string;
  resume?: "auto" | "never" | string;
  env?: Readonly<Record<string, string | undefined>>;
  cell?: MatrixCellRef;
}

/** A run directory made ready: secrets read, the run to resume found, `run.json` and `manifest.json` written. */
export interface OpenedRun {
  runId: string;
  runDir: string;
  cacheDir: string;
  started: Date;
  /** The record as written at the start (status `running`). */
  record: RunRecord;
  resumed: boolean;
  /** Secret values by stage key: only those each plugin declared. */
  secretsByStage: Map<string, Record<string, string | undefined>>;
  redact: (text: string) => string;
  /** Ratings an earlier attempt already made, by sample id: replayed, not asked again. */
  known: Map<string, EventDraft<UncertaintyEvent>>;
}

// Runs of this process that are still writing their ends (e.g. after their subscriber left):
// a new run waits for them, so that it sees their final `run.json` before looking for one to resume.
const closing = new Set<Promise<unknown>>();

/** Registers the end of a run that is still being written; returns the same promise. */
export function trackClosing<T>(done: Promise<T>): Promise<T> {
  const settled = done.then(
    () => undefined,
    () => undefined,
  );
  closing.add(settled);
  void settled.then(() => closing.delete(settled));
  return done;
}

/** The ends of runs still being written now. */
export function closingRuns(): Array<Promise<unknown>> {
  return [...closing];
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/** Reads the declared secrets; a missing required one is a {@linkcode ManifestError} before anything starts. */
export function readSecrets(resolved: ResolvedManifest, env: Readonly<Record<string, string | undefined>>): Map<string, Record<string, string | undefined>> {
  const secretsByStage = new Map<string, Record<string, string | undefined>>();
  const missing: ManifestError["issues"][number][] = [];
  for (const stage of resolved.stages) {
    const values: Record<string, string | undefined> = {};
    for (const [name, variable] of Object.entries(stage.secretEnv)) {
      values[name] = env[variable];
      if (stage.plugin.secrets?.[name]?.required && !env[variable]) {
        missing.push({ path: [...stage.path, "use"], message: `"${stage.plugin.name}" needs the environment variable ${variable} (secret "${name}"); set it and run again` });
      }
    }
    secretsByStage.set(stage.key, values);
  }
  if (missing.length > 0) throw new ManifestError(missing, resolved.file);
  return secretsByStage;
}

/**
 * Opens a run: reads secrets, finds the run to resume (`resume`: "auto", "never" or a run id),
 * creates `runs/<run-id>/` with `run.json` (running) and `manifest.json` (no secrets), and
 * collects the ratings an earlier attempt made.
 */
export async function openRun(resolved: ResolvedManifest, options: OpenRunOptions): Promise<OpenedRun> {
  const env = options.env ?? process.env;
  const { manifest } = resolved;
  const cwd = process.cwd();
  const runsDir = options.runsDir ? resolve(options.runsDir) : manifest.run.runsDir ? resolve(resolved.baseDir, manifest.run.runsDir) : join(cwd, "runs");
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : join(cwd, ".ual");
  const secretsByStage = readSecrets(resolved, env);
  const redact = createRedactor([...secretsByStage.values()].flatMap((values) => Object.values(values)));

  let previous: RunRecord | undefined;
  if (options.resume && options.resume !== "auto" && options.resume !== "never") {
    previous = await readRunRecord(join(runsDir, options.resume));
    if (!previous) throw new ManifestError([{ path: [], message: `no run "${options.resume}" in ${runsDir} to resume` }], resolved.file);
    if (previous.manifestHash !== resolved.hash) {
      throw new ManifestError([{ path: [], message: `run "${options.resume}" was made from a different manifest (or different options); it cannot be resumed with this one` }], resolved.file);
    }
  } else if (options.resume !== "never") {
    previous = await findResumableRun(runsDir, resolved.hash);
  }
  const started = new Date();
  const runId = previous?.runId ?? `${manifest.name ?? "run"}-${timestamp(started)}-${randomBytes(2).toString("hex")}`;
  const runDir = join(runsDir, runId);
  await mkdir(runDir, { recursive: true });
  const record: RunRecord = {
    runId,
    ...(resolved.file ? { manifest: resolved.file } : {}),
    manifestHash: resolved.hash,
    status: "running",
    pid: process.pid,
    startedAt: previous?.startedAt ?? started.toISOString(),
    updatedAt: started.toISOString(),
    attempts: (previous?.attempts ?? 0) + 1,
    ...(options.cell ? { cell: options.cell } : {}),
  };
  await writeRunRecord(runDir, record);
  await writeJsonAtomic(join(runDir, "manifest.json"), JSON.parse(redact(JSON.stringify(resolvedForDisk(resolved)))));

  const known = new Map<string, EventDraft<UncertaintyEvent>>();
  if (previous) {
    for await (const line of readEventLog(join(runDir, EVENT_LOG))) {
      if (line.type === "uncertainty" && typeof line.sampleId === "string" && typeof line.score === "number") {
        const { runId: _r, time: _t, ...draft } = line;
        known.set(line.sampleId, draft as unknown as EventDraft<UncertaintyEvent>);
      }
    }
  }
  return { runId, runDir, cacheDir, started, record, resumed: previous !== undefined, secretsByStage, redact, known };
}

/** The resolved manifest as the run directory keeps it: each stage with its plugin's version and its full options. */
function resolvedForDisk(resolved: ResolvedManifest): JsonObject {
  const stage = (s: ResolvedStage): JsonObject => ({
    use: pluginSpecifier(s.ref.use),
    plugin: s.plugin.name,
    version: s.plugin.version,
    with: (s.options ?? {}) as JsonObject,
    ...(Object.keys(s.secretEnv).length > 0 ? { secretsFrom: s.secretEnv } : {}),
    ...(s.ref.concurrency !== undefined ? { concurrency: s.ref.concurrency } : {}),
  });
  const byKey = (key: string) => resolved.stages.find((s) => s.key === key);
  const stages: JsonObject = {};
  for (const key of ["source", "uncertainty", "mapper", "loss", "trainer"]) {
    const s = byKey(key);
    if (s) stages[key] = stage(s);
  }
  const evaluators = resolved.stages.filter((s) => s.kind === "evaluator").map(stage);
  if (evaluators.length > 0) stages.evaluators = evaluators;
  return {
    apiVersion: resolved.manifest.apiVersion,
    ...(resolved.manifest.name ? { name: resolved.manifest.name } : {}),
    run: resolved.manifest.run as JsonObject,
    stages,
    reporters: resolved.stages.filter((s) => s.kind === "reporter").map(stage),
    hash: resolved.hash,
  };
}

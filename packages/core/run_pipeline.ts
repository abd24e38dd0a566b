import { randomBytes } from "node:crypto";
import { mkdir, rename } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { filter, fromEvent, lastValueFrom, takeUntil, tap, defaultIfEmpty } from "rxjs";
import { writeJsonAtomic } from "./atomic_write.ts";
import { ManifestError } from "./errors.ts";
import { toLogRecord, type EventDraft, type RunStatus, type UalEvent, type UncertaintyEvent } from "./events.ts";
import type { JsonObject } from "./json.ts";
import type { Evaluator, Loss, Mapper, Source, Trainer, UncertaintyEstimator } from "./kinds.ts";
import { createLogger, errorMessage } from "./logger.ts";
import { buildPipeline, type PipelineStages, type Staged } from "./pipeline.ts";
import type { KindInstances, PluginContext } from "./plugin.ts";
import { createRedactor } from "./redact.ts";
import { dispatchToReporter, type Reporter } from "./reporter.ts";
import type { ResolvedManifest, ResolvedStage } from "./resolve_manifest.ts";
import { EVENT_LOG, findResumableRun, LineWriter, readEventLog, readRunRecord, writeRunRecord, type MatrixCellRef, type RunRecord } from "./run_dir.ts";

/** Options of {@linkcode runPipeline}. */
export interface RunOptions {
  /** Where run directories go (default: the manifest's `run.runsDir`, else `runs/` in the working directory). */
  runsDir?: string;
  /** Where caches that outlive runs go (default `.ual/` in the working directory). */
  cacheDir?: string;
  /**
   * `"auto"` (default) continues the latest unfinished run of the same manifest; `"never"`
   * always starts afresh; a run id resumes that run.
   */
  resume?: "auto" | "never" | string;
  /** Abort to stop the run: it is recorded as interrupted and a rerun resumes it. */
  signal?: AbortSignal;
  /** Reporters besides the manifest's (e.g. the CLI's). */
  reporters?: Reporter[];
  /** The environment secrets are read from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Marks the run as a cell of an experiment matrix (recorded in `run.json`). */
  cell?: MatrixCellRef;
}

/** How a run ended. */
export interface RunResult {
  runId: string;
  runDir: string;
  status: RunStatus;
  resumed: boolean;
  /** Output files by name (e.g. `smoothing` → `runs/<id>/smoothing.jsonl`). */
  outputs: Record<string, string>;
  /** Tallies: samples, scored, failed, cached, costUsd, ... */
  summary: JsonObject;
  /** What failed the run, if it failed. */
  error?: Error;
}

function timestamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
}

/**
 * Runs a validated manifest: creates (or resumes) `runs/<run-id>/`, creates every plugin with
 * its options and a context, streams the events through the stages, writes `events.jsonl`,
 * `manifest.json` (resolved; secrets are never written, only the names of their variables),
 * `run.json` and the outputs, and lets every reporter see every event. Never throws for a
 * failing stage: the result says `failed` with the error; it throws only when the run cannot
 * start (a required secret missing → {@linkcode ManifestError}).
 *
 * @example
 * ```ts
 * const resolved = await loadManifest("examples/map-scores.yaml");
 * const result = await runPipeline(resolved, { signal: AbortSignal.timeout(60_000) });
 * console.log(result.status, result.outputs.smoothing);
 * ```
 */
export async function runPipeline(resolved: ResolvedManifest, options: RunOptions = {}): Promise<RunResult> {
  const env = options.env ?? process.env;
  const { manifest } = resolved;
  const cwd = process.cwd();
  const runsDir = options.runsDir
    ? resolve(options.runsDir)
    : manifest.run.runsDir
      ? resolve(resolved.baseDir, manifest.run.runsDir)
      : join(cwd, "runs");
  const cacheDir = options.cacheDir ? resolve(options.cacheDir) : join(cwd, ".ual");

  // Secrets: read the declared variables only; a missing required one stops the run before it starts.
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
  const redact = createRedactor([...secretsByStage.values()].flatMap((values) => Object.values(values)));

  // Resume or start.
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

  // Ratings of an earlier attempt are replayed rather than asked again.
  const known = new Map<string, EventDraft<UncertaintyEvent>>();
  if (previous) {
    for await (const record of readEventLog(join(runDir, EVENT_LOG))) {
      if (record.type === "uncertainty" && typeof record.sampleId === "string" && typeof record.score === "number") {
        const { runId: _r, time: _t, ...draft } = record;
        known.set(record.sampleId, draft as unknown as EventDraft<UncertaintyEvent>);
      }
    }
  }

  const log = new LineWriter(join(runDir, EVENT_LOG), { append: true });
  const reporters: Array<{ name: string; reporter: Reporter }> = (options.reporters ?? []).map((reporter, i) => ({ name: `reporter ${i}`, reporter }));
  const outputs: Record<string, string> = {};
  let smoothingWriter: LineWriter | undefined;
  const smoothingPath = join(runDir, "smoothing.jsonl");
  const summary: JsonObject = { samples: 0, scored: 0, failed: 0, cached: 0, costUsd: 0 };

  const emit = (draft: EventDraft): UalEvent => {
    const event = { ...draft, runId, time: new Date().toISOString() } as UalEvent;
    if (event.type === "log" || event.type === "error") event.message = redact(event.message);
    log.write(redact(JSON.stringify(toLogRecord(event))));
    tally(event);
    for (const { name, reporter } of reporters) {
      try {
        dispatchToReporter(reporter, event);
      } catch (error) {
        // A broken reporter must not break the run; say so once on the log.
        log.write(JSON.stringify({ type: "log", level: "warn", message: redact(`${name} failed on ${event.type}: ${errorMessage(error)}`), runId, time: event.time }));
      }
    }
    return event;
  };

  const tally = (event: UalEvent) => {
    switch (event.type) {
      case "sample":
        summary.samples = (summary.samples as number) + 1;
        break;
      case "uncertainty":
        if (event.score === null) summary.failed = (summary.failed as number) + 1;
        else summary.scored = (summary.scored as number) + 1;
        if (event.cached) summary.cached = (summary.cached as number) + 1;
        summary.costUsd = (summary.costUsd as number) + (event.cost?.usd ?? 0);
        break;
      case "mapping":
        summary.mapping = { mapper: event.mapper, mean: event.mean, imputed: event.imputed, clipped: event.clipped, ...event.details };
        smoothingWriter = new LineWriter(`${smoothingPath}.partial`, { append: false });
        break;
      case "smoothing":
        smoothingWriter?.write(JSON.stringify({ id: event.sampleId, score: event.score, smoothing: event.epsilon }));
        break;
      case "stage.end":
        // A run whose trainer reads the source itself has no sample events, only this count.
        if (event.stage === "source" && typeof event.counts?.samples === "number") summary.samples = Math.max(summary.samples as number, event.counts.samples);
        break;
      case "train.step":
        summary.steps = event.step;
        summary.lastLoss = event.loss;
        break;
      case "eval":
        summary[`eval:${event.evaluator}:${event.subset ? `${event.subset}:` : ""}${event.metric}`] = event.value;
        break;
      default:
    }
  };

  const controller = new AbortController();
  const onAbort = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) controller.abort(options.signal.reason);
  else options.signal?.addEventListener("abort", onAbort, { once: true });

  const makeContext = (stage: ResolvedStage): PluginContext => ({
    runId,
    runDir,
    baseDir: resolved.baseDir,
    cacheDir,
    stage: stage.key,
    seed: manifest.run.seed,
    signal: controller.signal,
    secrets: Object.freeze({ ...secretsByStage.get(stage.key) }),
    secretEnv: Object.freeze({ ...stage.secretEnv }),
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(resolved.baseDir, path)),
    logger: createLogger((level, message, data) => {
      emit({ type: "log", level, message, plugin: stage.plugin.name, ...(data ? { data } : {}) });
    }),
  });

  let status: RunStatus = "completed";
  let failure: Error | undefined;
  const instances = new Map<string, { stage: ResolvedStage; instance: KindInstances[keyof KindInstances] }>();
  try {
    // Reporters first, so that they see what the other plugins log while they start.
    const creationOrder = [...resolved.stages].sort((a, b) => Number(b.kind === "reporter") - Number(a.kind === "reporter"));
    for (const stage of creationOrder) {
      const instance = await stage.plugin.create(stage.options as never, makeContext(stage));
      instances.set(stage.key, { stage, instance });
      if (stage.kind === "reporter") reporters.push({ name: stage.plugin.name, reporter: instance as Reporter });
    }
    const estimatorStage = instances.get("uncertainty");
    if (estimatorStage && (estimatorStage.instance as UncertaintyEstimator).mode === "online") {
      const name = estimatorStage.stage.plugin.name;
      if (instances.has("mapper")) throw new Error(`stages.mapper: ${name} is an online estimator — ε comes from it during training — so remove the mapper`);
      if (!instances.has("trainer")) throw new Error(`stages.uncertainty: ${name} is an online estimator and works inside training; add stages.trainer`);
    }
    emit({
      type: "run.start",
      manifest: resolved.file ?? manifest.name ?? "(inline)",
      runDir,
      resumed: previous !== undefined,
      plugins: resolved.stages.map((s) => ({ stage: s.key, name: s.plugin.name, version: s.plugin.version, kind: s.plugin.kind })),
      info: { attempts: record.attempts, replayedRatings: known.size, ...stageInfo(instances) },
    });
    const staged = <T>(key: string): Staged<T> | undefined => {
      const found = instances.get(key);
      return found ? { name: found.stage.plugin.name, key, instance: found.instance as T } : undefined;
    };
    const stages: PipelineStages = {
      source: staged<Source>("source") as Staged<Source>,
      ...optional("uncertainty", staged<UncertaintyEstimator>("uncertainty"), resolved.stages.find((s) => s.key === "uncertainty")?.ref.concurrency),
      ...optional("mapper", staged<Mapper>("mapper")),
      ...optional("loss", staged<Loss>("loss")),
      ...optional("trainer", staged<Trainer>("trainer")),
      evaluators: resolved.stages.filter((s) => s.kind === "evaluator").map((s) => staged<Evaluator>(s.key) as Staged<Evaluator>),
    };
    const artifacts: Record<string, string> = {};
    const events$ = buildPipeline(stages, { signal: controller.signal, known, artifacts }).pipe(
      takeUntil(fromEvent(controller.signal, "abort")),
      tap((draft) => emit(draft)),
      filter(() => false),
      defaultIfEmpty(undefined),
    );
    await lastValueFrom(events$);
    if (controller.signal.aborted) status = "interrupted";
  } catch (error) {
    status = controller.signal.aborted ? "interrupted" : "failed";
    failure = error instanceof Error ? error : new Error(String(error));
    if (status === "failed") emit({ type: "error", message: errorMessage(failure), fatal: true });
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    if (!controller.signal.aborted) controller.abort(new Error("the run has ended"));
  }

  const estimator = instances.get("uncertainty")?.instance as UncertaintyEstimator | undefined;
  if (estimator && estimator.mode !== "online") {
    await estimator.close?.().catch((error: unknown) => emit({ type: "log", level: "warn", message: `closing ${instances.get("uncertainty")?.stage.plugin.name}: ${errorMessage(error)}` }));
  }
  if (smoothingWriter) {
    await smoothingWriter.close();
    if (status === "completed") {
      await rename(`${smoothingPath}.partial`, smoothingPath);
      outputs.smoothing = smoothingPath;
    }
  }
  emit({
    type: "run.end",
    status,
    durationMs: Date.now() - started.getTime(),
    outputs,
    summary,
  });
  for (const { name, reporter } of reporters) {
    try {
      await reporter.close?.();
    } catch (error) {
      log.write(JSON.stringify({ type: "log", level: "warn", message: redact(`${name} failed to close: ${errorMessage(error)}`), runId, time: new Date().toISOString() }));
    }
  }
  await log.close();
  await writeRunRecord(runDir, {
    ...record,
    status,
    updatedAt: new Date().toISOString(),
    ...(failure && status === "failed" ? { error: redact(errorMessage(failure)) } : {}),
  });
  return { runId, runDir, status, resumed: previous !== undefined, outputs, summary, ...(failure && status === "failed" ? { error: failure } : {}) };
}

/** What each instance tells about itself (`Describable.info`), by stage; a failing `info` is skipped. */
function stageInfo(instances: Map<string, { instance: unknown }>): JsonObject {
  const out: JsonObject = {};
  for (const [key, { instance }] of instances) {
    const info = (instance as { info?: () => JsonObject }).info;
    if (typeof info !== "function") continue;
    try {
      out[key] = info.call(instance);
    } catch {
      // Informational only.
    }
  }
  return out;
}

function optional<K extends string, T>(key: K, value: T | undefined, concurrency?: number): Partial<Record<K, T>> {
  if (value === undefined) return {};
  return { [key]: concurrency !== undefined ? { ...value, concurrency } : value } as Partial<Record<K, T>>;
}

/** The resolved manifest as the run directory keeps it: each stage with its plugin's version and its full options. */
function resolvedForDisk(resolved: ResolvedManifest): JsonObject {
  const stage = (s: ResolvedStage): JsonObject => ({
    use: s.ref.use,
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

import { rename } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { lastValueFrom, Observable, of, tap, type MonoTypeOperatorFunction } from "rxjs";
import type { ManifestInput } from "./define_manifest.ts";
import type { EventDraft, RunStatus, UalEvent } from "./events.ts";
import type { JsonObject } from "./json.ts";
import type { Evaluator, Loss, Mapper, Source, Trainer, UncertaintyEstimator } from "./kinds.ts";
import { createLogger, errorMessage } from "./logger.ts";
import { buildPipeline, type PipelineStages, type Staged } from "./pipeline.ts";
import type { KindInstances, PluginContext } from "./plugin.ts";
import type { Reporter } from "./reporter.ts";
import { loadManifest, resolveManifest, type ResolvedManifest, type ResolvedStage } from "./resolve_manifest.ts";
import { EVENT_LOG, LineWriter, writeRunRecord, type MatrixCellRef } from "./run_dir.ts";
import { emptySummary, notifyReporters, redactEvents, stampEvents, tallyEvents, writeEventLog, type NamedReporter } from "./run_operators.ts";
import { closingRuns, openRun, trackClosing, type OpenedRun } from "./_open_run.ts";

/** Options of {@linkcode run} (and `runPipeline`). */
export interface RunOptions {
  /** Where run directories go (default: the manifest's `run.runsDir`, else `runs/` in the working directory). */
  runsDir?: string;
  /** Where caches that outlive runs go (default `.ual/` in the working directory). */
  cacheDir?: string;
  /** For a manifest given as an object: where its relative paths and plugin look-ups start (default: the working directory). */
  baseDir?: string;
  /**
   * `"auto"` (default) continues the latest unfinished run of the same manifest; `"never"`
   * always starts afresh; a run id resumes that run.
   */
  resume?: "auto" | "never" | string;
  /**
   * Abort to stop the run, as unsubscribing does: the stage at work stops (within a training
   * step, an evaluator batch, the ratings in flight), its checkpoint and paid ratings are kept,
   * the run is recorded as interrupted, and a rerun resumes it.
   */
  signal?: AbortSignal;
  /** Reporters besides the manifest's (e.g. the CLI's). */
  reporters?: Reporter[];
  /** The environment secrets are read from (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** Marks the run as a cell of an experiment matrix (recorded in `run.json`). */
  cell?: MatrixCellRef;
}

/** What {@linkcode run} takes: a manifest file, a manifest object (`defineManifest`), or a resolved manifest. */
export type RunInput = string | ManifestInput | ResolvedManifest;

function isResolved(input: Exclude<RunInput, string>): input is ResolvedManifest {
  return Array.isArray((input as ResolvedManifest).stages) && typeof (input as ResolvedManifest).hash === "string";
}

/**
 * Runs a manifest and returns its events as an Observable: the programmatic face of `ual run`.
 * The stream is cold — each subscription is one run (a new one, or the resumption of an
 * unfinished run of the same manifest) — and typed: `UalEvent`s with the run's id and time, from
 * `run.start` to `run.end`, then it completes. Everything `ual run` does happens: the manifest is
 * validated completely first, `runs/<run-id>/` gets `run.json`, `manifest.json` (no secrets),
 * `events.jsonl` (each event is written before a subscriber sees it) and `smoothing.jsonl`,
 * secrets are redacted from everything written and emitted, reporters see every event.
 *
 * A failing stage does not error the stream: it ends with a fatal `error` event and `run.end`
 * with status `failed`. The stream errors only when the run cannot start (an invalid manifest or
 * a missing secret: `ManifestError`). Unsubscribing, or aborting `options.signal`, stops every
 * stage promptly; the run's end (checkpoint, paid ratings, `run.json` as interrupted) is still
 * written, and a later run of the same manifest in this process waits for it, then resumes.
 *
 * @example
 * ```ts
 * import { filter } from "rxjs";
 * import { isEvent, run } from "@ual/core";
 *
 * run("examples/map-scores.yaml")
 *   .pipe(filter(isEvent("smoothing")))
 *   .subscribe((e) => console.log(e.sampleId, e.epsilon));
 * ```
 */
export function run(input: RunInput, options: RunOptions = {}): Observable<UalEvent> {
  return new Observable<UalEvent>((subscriber) => {
    const controller = new AbortController();
    const onAbort = () => controller.abort(options.signal?.reason);
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener("abort", onAbort, { once: true });
    const earlier = closingRuns();
    const done = trackClosing(
      execute(input, options, controller, earlier, (event) => {
        if (!subscriber.closed) subscriber.next(event);
      }),
    );
    done.then(
      () => subscriber.complete(),
      (error: unknown) => subscriber.error(error),
    );
    return () => {
      options.signal?.removeEventListener("abort", onAbort);
      if (!controller.signal.aborted) controller.abort(new Error("the run's events were unsubscribed"));
    };
  });
}

async function resolveInput(input: RunInput, options: RunOptions): Promise<ResolvedManifest> {
  const env = options.env ? { env: options.env } : {};
  if (typeof input === "string") return loadManifest(input, env);
  if (isResolved(input)) return input;
  return resolveManifest(input, { baseDir: resolve(options.baseDir ?? process.cwd()), ...env });
}

async function execute(input: RunInput, options: RunOptions, controller: AbortController, earlier: Array<Promise<unknown>>, deliver: (event: UalEvent) => void): Promise<void> {
  const resolved = await resolveInput(input, options);
  await Promise.all(earlier);
  const opened = await openRun(resolved, options);
  const { runId, runDir, redact } = opened;
  const log = new LineWriter(join(runDir, EVENT_LOG), { append: true });
  const warnOnLog = (message: string) => log.write(JSON.stringify({ type: "log", level: "warn", message: redact(message), runId, time: new Date().toISOString() }));
  const reporters: NamedReporter[] = (options.reporters ?? []).map((reporter, i) => ({ name: `reporter ${i}`, reporter }));
  const summary = emptySummary();
  const smoothing = new SmoothingFile(join(runDir, "smoothing.jsonl"));

  const record: MonoTypeOperatorFunction<UalEvent> = (events$) =>
    events$.pipe(redactEvents(redact), tallyEvents(summary), tap((event) => smoothing.record(event)), writeEventLog(log, redact), notifyReporters(reporters, warnOnLog), tap(deliver));
  const emit = (draft: EventDraft) => {
    of(draft).pipe(stampEvents(runId), record).subscribe();
  };

  let status: RunStatus = "completed";
  let failure: Error | undefined;
  const instances = new Map<string, { stage: ResolvedStage; instance: KindInstances[keyof KindInstances] }>();
  try {
    await createStages(resolved, opened, controller.signal, emit, instances, reporters);
    checkOnlineEstimator(instances);
    emit({
      type: "run.start",
      manifest: resolved.file ?? resolved.manifest.name ?? "(inline)",
      runDir,
      resumed: opened.resumed,
      plugins: resolved.stages.map((s) => ({ stage: s.key, name: s.plugin.name, version: s.plugin.version, kind: s.plugin.kind })),
      info: { attempts: opened.record.attempts, replayedRatings: opened.known.size, ...stageInfo(instances) },
    });
    const artifacts: Record<string, string> = {};
    const pipeline$ = buildPipeline(pipelineStages(resolved, instances), { signal: controller.signal, known: opened.known, artifacts });
    await lastValueFrom(pipeline$.pipe(stampEvents(runId), record), { defaultValue: undefined });
    if (controller.signal.aborted) status = "interrupted";
  } catch (error) {
    status = controller.signal.aborted ? "interrupted" : "failed";
    failure = error instanceof Error ? error : new Error(String(error));
    if (status === "failed") emit({ type: "error", message: errorMessage(failure), fatal: true });
  }
  // Plugins' signal: the run is over either way.
  if (!controller.signal.aborted) controller.abort(new Error("the run has ended"));

  const estimatorStage = instances.get("uncertainty");
  const estimator = estimatorStage?.instance as UncertaintyEstimator | undefined;
  if (estimator && estimator.mode !== "online") {
    await estimator.close?.().catch((error: unknown) => emit({ type: "log", level: "warn", message: `closing ${estimatorStage?.stage.plugin.name}: ${errorMessage(error)}` }));
  }
  const outputs: Record<string, string> = {};
  const smoothingPath = await smoothing.finish(status === "completed");
  if (smoothingPath) outputs.smoothing = smoothingPath;
  emit({ type: "run.end", status, runDir, durationMs: Date.now() - opened.started.getTime(), outputs, summary });
  for (const { name, reporter } of reporters) {
    try {
      await reporter.close?.();
    } catch (error) {
      warnOnLog(`${name} failed to close: ${errorMessage(error)}`);
    }
  }
  await log.close();
  await writeRunRecord(runDir, {
    ...opened.record,
    status,
    updatedAt: new Date().toISOString(),
    ...(failure && status === "failed" ? { error: redact(errorMessage(failure)) } : {}),
  });
}

/** Creates every plugin with its options and context; reporters first, so that they see what the others log while they start. */
async function createStages(
  resolved: ResolvedManifest,
  opened: OpenedRun,
  signal: AbortSignal,
  emit: (draft: EventDraft) => void,
  instances: Map<string, { stage: ResolvedStage; instance: KindInstances[keyof KindInstances] }>,
  reporters: NamedReporter[],
): Promise<void> {
  const context = (stage: ResolvedStage): PluginContext => ({
    runId: opened.runId,
    runDir: opened.runDir,
    baseDir: resolved.baseDir,
    cacheDir: opened.cacheDir,
    stage: stage.key,
    seed: resolved.manifest.run.seed,
    signal,
    secrets: Object.freeze({ ...opened.secretsByStage.get(stage.key) }),
    secretEnv: Object.freeze({ ...stage.secretEnv }),
    resolvePath: (path) => (isAbsolute(path) ? path : resolve(resolved.baseDir, path)),
    logger: createLogger((level, message, data) => {
      emit({ type: "log", level, message, plugin: stage.plugin.name, ...(data ? { data } : {}) });
    }),
  });
  const order = [...resolved.stages].sort((a, b) => Number(b.kind === "reporter") - Number(a.kind === "reporter"));
  for (const stage of order) {
    const instance = await stage.plugin.create(stage.options as never, context(stage));
    instances.set(stage.key, { stage, instance });
    if (stage.kind === "reporter") reporters.push({ name: stage.plugin.name, reporter: instance as Reporter });
  }
}

/** An online estimator makes ε during training: it needs a trainer and excludes a mapper. */
function checkOnlineEstimator(instances: Map<string, { stage: ResolvedStage; instance: unknown }>): void {
  const estimator = instances.get("uncertainty");
  if (!estimator || (estimator.instance as UncertaintyEstimator).mode !== "online") return;
  const name = estimator.stage.plugin.name;
  if (instances.has("mapper")) throw new Error(`stages.mapper: ${name} is an online estimator — ε comes from it during training — so remove the mapper`);
  if (!instances.has("trainer")) throw new Error(`stages.uncertainty: ${name} is an online estimator and works inside training; add stages.trainer`);
}

function pipelineStages(resolved: ResolvedManifest, instances: Map<string, { stage: ResolvedStage; instance: unknown }>): PipelineStages {
  const staged = <T>(key: string): Staged<T> | undefined => {
    const found = instances.get(key);
    return found ? { name: found.stage.plugin.name, key, instance: found.instance as T } : undefined;
  };
  const concurrency = resolved.stages.find((s) => s.key === "uncertainty")?.ref.concurrency;
  const uncertainty = staged<UncertaintyEstimator>("uncertainty");
  const mapper = staged<Mapper>("mapper");
  const loss = staged<Loss>("loss");
  const trainer = staged<Trainer>("trainer");
  return {
    source: staged<Source>("source") as Staged<Source>,
    ...(uncertainty ? { uncertainty: concurrency !== undefined ? { ...uncertainty, concurrency } : uncertainty } : {}),
    ...(mapper ? { mapper } : {}),
    ...(loss ? { loss } : {}),
    ...(trainer ? { trainer } : {}),
    evaluators: resolved.stages.filter((s) => s.kind === "evaluator").map((s) => staged<Evaluator>(s.key) as Staged<Evaluator>),
  };
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

/**
 * `smoothing.jsonl`, written as the mapper's events pass (to a `.partial` file) and put in
 * place only when the run completes: a half-mapped file is never mistaken for a result.
 */
class SmoothingFile {
  readonly #path: string;
  #writer: LineWriter | undefined;

  constructor(path: string) {
    this.#path = path;
  }

  record(event: UalEvent): void {
    if (event.type === "mapping") this.#writer = new LineWriter(`${this.#path}.partial`, { append: false });
    else if (event.type === "smoothing") this.#writer?.write(JSON.stringify({ id: event.sampleId, score: event.score, smoothing: event.epsilon }));
  }

  /** Closes the file; when the run completed, moves it in place and returns its path. */
  async finish(completed: boolean): Promise<string | undefined> {
    if (!this.#writer) return undefined;
    await this.#writer.close();
    if (!completed) return undefined;
    await rename(`${this.#path}.partial`, this.#path);
    return this.#path;
  }
}

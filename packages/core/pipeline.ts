import { concat, defer, EMPTY, finalize, from, map, mergeMap, of, tap, type Observable } from "rxjs";
import type { EventDraft, UncertaintyEvent } from "./events.ts";
import type { Sample } from "./sample.ts";
import type { Evaluator, Loss, Mapper, OfflineEstimator, OnlineEstimator, Source, Trainer, UncertaintyEstimator } from "./kinds.ts";
import { mapSmoothing } from "./map_smoothing.ts";
import { samplesFrom } from "./samples_from.ts";
import { scoreSamples } from "./score_samples.ts";
import { Gate } from "./_gate.ts";

/** A created plugin instance with the names the events use. */
export interface Staged<T> {
  /** The plugin's name. */
  name: string;
  /** The manifest slot (`source`, `evaluators[0]`, ...). */
  key: string;
  instance: T;
}

/** The instances a pipeline runs, one per manifest slot. */
export interface PipelineStages {
  source: Staged<Source>;
  uncertainty?: Staged<UncertaintyEstimator> & { concurrency?: number };
  mapper?: Staged<Mapper>;
  loss?: Staged<Loss>;
  trainer?: Staged<Trainer>;
  evaluators?: Array<Staged<Evaluator>>;
}

/** Run-level inputs of {@linkcode buildPipeline}. */
export interface PipelineOptions {
  /**
   * Aborting stops the pipeline gracefully: the source stops reading, the stage at work is asked
   * to stop (its `signal` aborts) and its last events — a checkpoint, a rating already paid for —
   * still arrive, no later stage starts, and the stream completes. Unsubscribing aborts too.
   */
  signal?: AbortSignal;
  /** Ratings from an earlier attempt of the run, by sample id (resume). */
  known?: ReadonlyMap<string, EventDraft<UncertaintyEvent>>;
  /** Filled as the run goes: `model` is the last checkpoint's path. */
  artifacts?: Record<string, string>;
}

const DEFAULT_CONCURRENCY = 8;

function isOnline(estimator: UncertaintyEstimator): estimator is OnlineEstimator {
  return estimator.mode === "online";
}

/**
 * Builds a run's event stream from created stages: source → uncertainty (concurrent) → mapper
 * (barrier) → trainer → evaluators, each stage bracketed by `stage.start` / `stage.end`. The
 * stream is cold: nothing runs until it is subscribed. Every stage is called with a signal that
 * aborts when `options.signal` does or when the stream is unsubscribed, so a trainer stops within
 * a step and an evaluator within a batch; once it has aborted no further stage starts. Events are
 * drafts (no run id or time): {@linkcode run} stamps them, or pipe them through `stampEvents`.
 *
 * @example
 * ```ts
 * buildPipeline({ source: { name: "s", key: "source", instance: source } })
 *   .pipe(filter(isEvent("sample")))
 *   .subscribe((event) => console.log(event.sample.id));
 * ```
 */
export function buildPipeline(stages: PipelineStages, options: PipelineOptions = {}): Observable<EventDraft> {
  return defer(() => {
    const controller = new AbortController();
    const outer = options.signal;
    const onAbort = () => controller.abort(outer?.reason);
    if (outer?.aborted) onAbort();
    else outer?.addEventListener("abort", onAbort, { once: true });
    return stagesOf(stages, options, controller.signal).pipe(
      finalize(() => {
        outer?.removeEventListener("abort", onAbort);
        // Unsubscribed (or done): whatever a stage still runs is told to stop.
        if (!controller.signal.aborted) controller.abort(new Error("the pipeline has ended"));
      }),
    );
  });
}

/** A stage that starts only if the pipeline has not been stopped before its turn. */
function unlessStopped(signal: AbortSignal, stage$: Observable<EventDraft>): Observable<EventDraft> {
  return defer(() => (signal.aborted ? EMPTY : stage$));
}

function stagesOf(stages: PipelineStages, options: PipelineOptions, signal: AbortSignal): Observable<EventDraft> {
  const artifacts = options.artifacts ?? {};
  const { source, uncertainty, mapper, trainer } = stages;
  const offline = uncertainty && !isOnline(uncertainty.instance) ? (uncertainty as Staged<OfflineEstimator> & { concurrency?: number }) : undefined;
  const online = uncertainty && isOnline(uncertainty.instance) ? uncertainty.instance : undefined;
  const smoothing = new Map<string, number>();

  const readPass$ = defer(() => {
    const concurrency = offline?.concurrency ?? offline?.instance.concurrency ?? DEFAULT_CONCURRENCY;
    // Read ahead a little so that the estimator never waits on the file, but no further.
    const gate = offline ? new Gate(concurrency * 4) : undefined;
    let events$: Observable<EventDraft> = samplesFrom(source.instance.read({ signal }), { signal, ...(gate ? { gate } : {}) });
    const counts = { samples: 0, scored: 0, failed: 0, cached: 0 };
    let costUsd = 0;
    if (offline) {
      events$ = events$.pipe(
        scoreSamples({
          estimate: (sample) => offline.instance.estimate(sample, { signal }),
          concurrency,
          source: offline.name,
          ...(options.known ? { known: options.known } : {}),
          onSettled: () => gate?.release(),
          signal,
        }),
      );
    }
    events$ = events$.pipe(
      tap((event) => {
        if (event.type === "sample") counts.samples++;
        else if (event.type === "uncertainty") {
          if (event.score === null) counts.failed++;
          else counts.scored++;
          if (event.cached) counts.cached++;
          costUsd += event.cost?.usd ?? 0;
        }
      }),
    );
    if (mapper) {
      events$ = events$.pipe(
        mapSmoothing({ mapper: mapper.instance, name: mapper.name, signal }),
        tap((event) => {
          if (event.type === "smoothing") smoothing.set(event.sampleId, event.epsilon);
        }),
      );
    }
    const start$ = from(Promise.resolve(source.instance.count?.({ signal }))).pipe(
      mergeMap((total) => {
        const starts: EventDraft[] = [{ type: "stage.start", stage: "source", plugin: source.name, ...(total !== undefined ? { total } : {}) }];
        if (offline) starts.push({ type: "stage.start", stage: offline.key, plugin: offline.name, ...(total !== undefined ? { total } : {}) });
        return from(starts);
      }),
    );
    const end$ = defer(() => {
      const ends: EventDraft[] = [{ type: "stage.end", stage: "source", plugin: source.name, counts: { ...source.instance.stats?.(), samples: counts.samples } }];
      if (offline) {
        ends.push({ type: "stage.end", stage: offline.key, plugin: offline.name, counts: { scored: counts.scored, failed: counts.failed, cached: counts.cached, costUsd } });
      }
      return from(ends);
    });
    return concat(start$, events$, end$);
  });

  // Without an offline estimator or a mapper there is nothing to do before training but read;
  // a trainer reads the source itself, so the first pass is skipped then.
  const firstPass = offline !== undefined || mapper !== undefined || trainer === undefined;

  // Without the first pass the trainer's own read is the source stage: count what it reads (the
  // longest of its reads, should it read more than once) so the run still reports its samples.
  let trainerRead = 0;
  async function* counted(samples: AsyncIterable<Sample>): AsyncGenerator<Sample> {
    let n = 0;
    for await (const sample of samples) {
      n++;
      yield sample;
    }
    trainerRead = Math.max(trainerRead, n);
  }
  const sourceAroundTraining = (inner$: Observable<EventDraft>): Observable<EventDraft> =>
    firstPass
      ? inner$
      : concat(
          of<EventDraft>({ type: "stage.start", stage: "source", plugin: source.name }),
          inner$,
          defer(() => of<EventDraft>({ type: "stage.end", stage: "source", plugin: source.name, counts: { ...source.instance.stats?.(), samples: trainerRead } })),
        );

  const train$ = trainer
    ? defer(() =>
        concat(
          of<EventDraft>({ type: "stage.start", stage: trainer.key, plugin: trainer.name }),
          from(
            trainer.instance.train(
              {
                samples: (o) => (firstPass ? source.instance.read(o) : counted(source.instance.read(o))),
                ...(mapper ? { smoothing } : {}),
                ...(online ? { online } : {}),
                ...(stages.loss ? { loss: stages.loss.instance } : {}),
              },
              { signal },
            ),
          ).pipe(
            tap((event) => {
              if (event.type === "checkpoint") artifacts.model = event.path;
            }),
          ),
          of<EventDraft>({ type: "stage.end", stage: trainer.key, plugin: trainer.name, counts: {} }),
        ),
      )
    : EMPTY;

  const evaluate$ = from(stages.evaluators ?? []).pipe(
    mergeMap(
      (evaluator) =>
        unlessStopped(signal, concat(
          of<EventDraft>({ type: "stage.start", stage: evaluator.key, plugin: evaluator.name }),
          defer(() => from(evaluator.instance.evaluate({ artifacts: { ...artifacts }, samples: (o) => source.instance.read(o) }, { signal }))).pipe(
            map((event) => (event.type === "eval" && !event.evaluator ? { ...event, evaluator: evaluator.name } : event)),
          ),
          of<EventDraft>({ type: "stage.end", stage: evaluator.key, plugin: evaluator.name, counts: {} }),
        )),
      1,
    ),
  );

  return concat(firstPass ? readPass$ : EMPTY, unlessStopped(signal, sourceAroundTraining(train$)), evaluate$);
}

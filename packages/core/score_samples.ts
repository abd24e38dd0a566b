import { concat, defer, EMPTY, from, map, mergeMap, of, take, finalize, throwIfEmpty, catchError, throwError, type ObservableInput, type OperatorFunction } from "rxjs";
import type { EventDraft, UncertaintyEvent } from "./events.ts";
import type { UncertaintyResult } from "./kinds.ts";
import type { Sample } from "./sample.ts";
import { errorMessage } from "./logger.ts";

/** Options of {@linkcode scoreSamples}. */
export interface ScoreSamplesOptions {
  /** Rates one sample. */
  estimate: (sample: Sample) => ObservableInput<UncertaintyResult>;
  /** How many ratings may be in flight at once. */
  concurrency: number;
  /** The default `source` of the events (the plugin's name). */
  source: string;
  /** Ratings an earlier attempt of this run already made, by sample id; they are not asked again. */
  known?: ReadonlyMap<string, EventDraft<UncertaintyEvent>>;
  /** Called when a sample's rating is settled (frees a read-ahead slot). */
  onSettled?: () => void;
  /**
   * Once aborted, samples still waiting for a slot are dropped (neither emitted nor rated):
   * a stopped run finishes the ratings in flight and asks for no more.
   */
  signal?: AbortSignal;
}

function where(sample: Sample): string {
  return sample.location ? ` (${sample.location.file}:${sample.location.line})` : "";
}

/**
 * The uncertainty stage: for every `sample` event, emits it and then the sample's
 * `uncertainty` event, with at most `concurrency` ratings in flight. Other events pass through.
 * A score that is not a finite number becomes `null` with the reason; a throw fails the run
 * with the sample's id and location in the message.
 */
export function scoreSamples(options: ScoreSamplesOptions): OperatorFunction<EventDraft, EventDraft> {
  const { estimate, concurrency, source, known, onSettled, signal } = options;
  return (events$) =>
    events$.pipe(
      mergeMap((event) => {
        if (event.type !== "sample") return of(event);
        if (signal?.aborted) {
          onSettled?.();
          return EMPTY;
        }
        const { sample } = event;
        const prior = known?.get(sample.id);
        const rating$ = prior
          ? of<EventDraft>({ ...prior, cached: true })
          : defer(() => from(estimate(sample))).pipe(
              take(1),
              throwIfEmpty(() => new Error("the estimator completed without a result")),
              map((result): EventDraft => toEvent(sample.id, result, source)),
              catchError((error: unknown) =>
                throwError(() => new Error(`sample ${sample.id}${where(sample)}: ${errorMessage(error)}`, { cause: error })),
              ),
            );
        return concat(of<EventDraft>(event), rating$).pipe(finalize(() => onSettled?.()));
      }, concurrency),
    );
}

function toEvent(sampleId: string, result: UncertaintyResult, source: string): EventDraft<UncertaintyEvent> {
  const valid = typeof result.score === "number" && Number.isFinite(result.score);
  const event: EventDraft<UncertaintyEvent> = {
    type: "uncertainty",
    sampleId,
    score: valid ? result.score : null,
    source: result.source ?? source,
  };
  if (!valid) {
    event.reason = result.score === null ? (result.reason ?? "no score") : `the estimator returned ${String(result.score)}, not a finite number`;
  } else if (result.reason) event.reason = result.reason;
  if (result.cost) event.cost = result.cost;
  if (result.cached) event.cached = true;
  return event;
}

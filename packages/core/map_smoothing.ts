import { concat, defer, EMPTY, from, Observable, type OperatorFunction } from "rxjs";
import type { EventDraft, MappingEvent, SmoothingEvent } from "./events.ts";
import type { Mapper } from "./kinds.ts";
import { errorMessage } from "./logger.ts";

/** Options of {@linkcode mapSmoothing}. */
export interface MapSmoothingOptions {
  mapper: Mapper;
  /** The mapper plugin's name, recorded on each `smoothing` event. */
  name: string;
  /** Once aborted, the scores seen are not mapped: a stopped run has only some of them. */
  signal?: AbortSignal;
}

/**
 * The mapper stage, a barrier: passes every event through, remembers each sample's score
 * (only ids and numbers, never the samples), and when the stream completes maps all scores at
 * once and emits a `mapping` summary and one `smoothing` event per sample, in source order.
 * Nothing is mapped if `signal` has aborted by then. A mapper error that names a sample index (`index` on the error) is reported with the
 * sample's id.
 */
export function mapSmoothing(options: MapSmoothingOptions): OperatorFunction<EventDraft, EventDraft> {
  return (events$) =>
    defer(() => {
      const ids: string[] = [];
      const indexOf = new Map<string, number>();
      const scores: Array<number | null> = [];
      const passThrough$ = new Observable<EventDraft>((subscriber) =>
        events$.subscribe({
          next(event) {
            if (event.type === "sample") {
              indexOf.set(event.sample.id, event.index);
              ids[event.index] = event.sample.id;
            } else if (event.type === "uncertainty") {
              const index = indexOf.get(event.sampleId);
              if (index !== undefined) scores[index] = event.score;
            }
            subscriber.next(event);
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      const mapped$ = defer(() => (options.signal?.aborted ? EMPTY : from(mapAll(options, ids, scores))));
      return concat(passThrough$, mapped$);
    });
}

function* mapAll(options: MapSmoothingOptions, ids: string[], scores: Array<number | null>): Generator<EventDraft> {
  const dense = Array.from({ length: ids.length }, (_, i) => scores[i] ?? null);
  let result;
  try {
    result = options.mapper.map(dense);
  } catch (error) {
    const index = (error as { index?: unknown }).index;
    const id = typeof index === "number" ? ids[index] : undefined;
    throw new Error(`mapper ${options.name}: ${id !== undefined ? `sample ${id}: ` : ""}${errorMessage(error)}`, { cause: error });
  }
  if (result.values.length !== ids.length) {
    throw new Error(`mapper ${options.name} returned ${result.values.length} values for ${ids.length} samples`);
  }
  let sum = 0;
  for (let i = 0; i < result.values.length; i++) sum += result.values[i] ?? 0;
  const summary: EventDraft<MappingEvent> = {
    type: "mapping",
    mapper: options.name,
    count: ids.length,
    mean: ids.length > 0 ? sum / ids.length : 0,
    imputed: result.imputed,
    clipped: result.clipped,
    details: result.details,
  };
  yield summary;
  for (let i = 0; i < ids.length; i++) {
    const event: EventDraft<SmoothingEvent> = {
      type: "smoothing",
      sampleId: ids[i] as string,
      epsilon: result.values[i] as number,
      score: dense[i] ?? null,
      mapper: options.name,
    };
    yield event;
  }
}

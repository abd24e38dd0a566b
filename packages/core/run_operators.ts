import { map, tap, type MonoTypeOperatorFunction, type OperatorFunction } from "rxjs";
import { toLogRecord, type EventDraft, type UalEvent } from "./events.ts";
import type { JsonObject } from "./json.ts";
import { errorMessage } from "./logger.ts";
import { dispatchToReporter, type Reporter } from "./reporter.ts";

// The runner's concerns, one operator each. `run()` pipes every event of a run through them in
// this order: stamp → redact → tally → log → report.

/**
 * Stamps drafts with the run's id and the time they pass, making them `UalEvent`s — what a
 * pipeline built by hand (`buildPipeline`) needs to look like a run's stream.
 *
 * @example
 * ```ts
 * buildPipeline(stages).pipe(stampEvents("my-run")).subscribe((e) => console.log(e.time, e.type));
 * ```
 */
export function stampEvents(runId: string, now: () => Date = () => new Date()): OperatorFunction<EventDraft, UalEvent> {
  return map((draft) => ({ ...draft, runId, time: now().toISOString() }) as UalEvent);
}

/**
 * Replaces secret values in the text of `log` and `error` events (the fields plugins fill with
 * words of their own, where a key may leak), using a redactor from `createRedactor`.
 *
 * @example
 * ```ts
 * events$.pipe(redactEvents(createRedactor([process.env.OPENAI_API_KEY])));
 * ```
 */
export function redactEvents(redact: (text: string) => string): MonoTypeOperatorFunction<UalEvent> {
  return map((event) => {
    if (event.type !== "log" && event.type !== "error") return event;
    const message = redact(event.message);
    return message === event.message ? event : { ...event, message };
  });
}

/** Where {@linkcode writeEventLog} appends its lines (a `LineWriter` on `events.jsonl`). */
export interface LineSink {
  write(line: string): void;
}

/**
 * Appends each event to an event log as one JSON line (`toLogRecord`: a `sample` event keeps
 * only the sample's id and location), the whole line redacted, before the event goes on: an
 * event a subscriber sees is already on disk, or queued to it.
 */
export function writeEventLog(log: LineSink, redact: (text: string) => string = (text) => text): MonoTypeOperatorFunction<UalEvent> {
  return tap((event) => log.write(redact(JSON.stringify(toLogRecord(event)))));
}

/** A run's tallies, as `run.end` carries them: samples, scored, failed, cached, costUsd, steps, metrics. */
export type RunSummary = JsonObject;

/** The tallies of a run that has seen no event yet. */
export function emptySummary(): RunSummary {
  return { samples: 0, scored: 0, failed: 0, cached: 0, costUsd: 0 };
}

/**
 * Adds one event to a run's tallies (in place): samples read, ratings scored, failed and
 * replayed, their cost, the mapping's summary, the last step and loss, and every metric as
 * `eval:<evaluator>:[<subset>:]<metric>`.
 */
export function tallyEvent(summary: RunSummary, event: UalEvent): void {
  const count = (key: string, by = 1) => {
    summary[key] = (summary[key] as number) + by;
  };
  switch (event.type) {
    case "sample":
      count("samples");
      break;
    case "uncertainty":
      count(event.score === null ? "failed" : "scored");
      if (event.cached) count("cached");
      count("costUsd", event.cost?.usd ?? 0);
      break;
    case "mapping":
      summary.mapping = { mapper: event.mapper, mean: event.mean, imputed: event.imputed, clipped: event.clipped, ...event.details };
      break;
    case "stage.end":
      // A run whose trainer reads the source itself has no sample events, only this count.
      if (event.stage === "source" && typeof event.counts.samples === "number") summary.samples = Math.max(summary.samples as number, event.counts.samples);
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
}

/** Keeps a run's tallies ({@linkcode tallyEvent}) up to date as events pass. */
export function tallyEvents(summary: RunSummary): MonoTypeOperatorFunction<UalEvent> {
  return tap((event) => tallyEvent(summary, event));
}

/** A reporter with the name its failures are reported under. */
export interface NamedReporter {
  name: string;
  reporter: Reporter;
}

/**
 * Lets every reporter see every event (`dispatchToReporter`). A reporter that throws is not
 * fatal: `onFailure` gets a message naming it and the event, and the run goes on. The list is
 * read at each event, so reporters added while the run starts see the rest of it.
 */
export function notifyReporters(reporters: readonly NamedReporter[], onFailure: (message: string) => void): MonoTypeOperatorFunction<UalEvent> {
  return tap((event) => {
    for (const { name, reporter } of reporters) {
      try {
        dispatchToReporter(reporter, event);
      } catch (error) {
        onFailure(`${name} failed on ${event.type}: ${errorMessage(error)}`);
      }
    }
  });
}

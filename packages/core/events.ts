import type { JsonObject, JsonValue } from "./json.ts";
import type { PluginKind } from "./plugin_kind.ts";
import type { Sample } from "./sample.ts";

/** Fields every event carries. */
export interface EventBase {
  /** The run this event belongs to. */
  runId: string;
  /** ISO-8601 time the event was emitted. */
  time: string;
}

/** How a run ended. */
export type RunStatus = "completed" | "interrupted" | "failed";

/** A plugin as a run uses it: which stage, which package, which version. */
export interface PluginRef {
  stage: string;
  name: string;
  version: string;
  kind: PluginKind;
}

/** The run begins. `resumed` is true when it continues an interrupted run. */
export interface RunStartEvent extends EventBase {
  type: "run.start";
  manifest: string;
  runDir: string;
  resumed: boolean;
  plugins: PluginRef[];
  /** Facts plugins report at start-up (e.g. the trainer's backend). */
  info: JsonObject;
}

/** A stage starts; `total` is known when the source can count cheaply. */
export interface StageStartEvent extends EventBase {
  type: "stage.start";
  stage: string;
  plugin: string;
  total?: number;
}

/** A stage finished; `counts` are stage-specific tallies (scored, failed, skipped, ...). */
export interface StageEndEvent extends EventBase {
  type: "stage.end";
  stage: string;
  plugin: string;
  counts: Record<string, number>;
}

/**
 * A sample was read. In memory the event carries the whole sample; the run's `events.jsonl`
 * keeps only its id and location, so the log does not duplicate the dataset.
 */
export interface SampleEvent extends EventBase {
  type: "sample";
  /** 0-based position in the source. */
  index: number;
  sample: Sample;
}

/** Money and tokens a paid call used. */
export interface Cost {
  usd: number;
  inputTokens?: number;
  outputTokens?: number;
}

/** A sample's uncertainty score, or `null` with the reason it could not be had. */
export interface UncertaintyEvent extends EventBase {
  type: "uncertainty";
  sampleId: string;
  score: number | null;
  /** Why `score` is null (an unparseable reply, a refusal, ...). */
  reason?: string;
  /** What produced the score, e.g. `openai:gpt-4o` or `field:score`. */
  source: string;
  cost?: Cost;
  /** True when the score came from a cache or an earlier attempt of this run, not a new call. */
  cached?: boolean;
}

/** A sample's label-smoothing value ε. */
export interface SmoothingEvent extends EventBase {
  type: "smoothing";
  sampleId: string;
  epsilon: number;
  /** The sample's score; null when it had none and the mapper imputed one. */
  score: number | null;
  mapper: string;
}

/** What the mapper did, once per run: β, how many scores were imputed or clipped, the realised mean. */
export interface MappingEvent extends EventBase {
  type: "mapping";
  mapper: string;
  count: number;
  mean: number;
  imputed: number;
  clipped: number;
  details: JsonObject;
}

/** Statistics of ε over the samples of a training batch. */
export interface EpsilonStats {
  mean: number;
  min: number;
  max: number;
}

/** One optimiser step. */
export interface TrainStepEvent extends EventBase {
  type: "train.step";
  step: number;
  epoch: number;
  loss: number;
  lr: number;
  tokensPerSecond?: number;
  epsilon?: EpsilonStats;
  /** True when the step was skipped (non-finite loss). */
  skipped?: boolean;
}

/** One metric from an evaluator. */
export interface EvalEvent extends EventBase {
  type: "eval";
  evaluator: string;
  metric: string;
  value: number;
  subset?: string;
  /** Half-width of a 95% confidence interval, when the evaluator can give one. */
  ci95?: number;
  details?: JsonObject;
}

/** A checkpoint was written (atomically) to `path`. */
export interface CheckpointEvent extends EventBase {
  type: "checkpoint";
  step: number;
  path: string;
}

/** Log levels, least to most severe. */
export type LogLevel = "debug" | "info" | "warn" | "error";

/** A message for people. */
export interface LogEvent extends EventBase {
  type: "log";
  level: LogLevel;
  message: string;
  plugin?: string;
  data?: JsonObject;
}

/** Something went wrong. `fatal` errors end the run; others are counted and reported. */
export interface ErrorEvent extends EventBase {
  type: "error";
  message: string;
  fatal: boolean;
  plugin?: string;
  stage?: string;
  sampleId?: string;
}

/** The run ended. */
export interface RunEndEvent extends EventBase {
  type: "run.end";
  status: RunStatus;
  /** The run's directory (`run()` always sets it: a run that failed to start its plugins has no `run.start`). */
  runDir?: string;
  durationMs: number;
  /** Paths of the run's outputs, by name (e.g. `smoothing`). */
  outputs: Record<string, string>;
  summary: JsonObject;
}

/** Every event that travels on a run's stream, discriminated by `type`. */
export type UalEvent =
  | RunStartEvent
  | StageStartEvent
  | StageEndEvent
  | SampleEvent
  | UncertaintyEvent
  | SmoothingEvent
  | MappingEvent
  | TrainStepEvent
  | EvalEvent
  | CheckpointEvent
  | LogEvent
  | ErrorEvent
  | RunEndEvent;

/** The names of all event types. */
export type UalEventType = UalEvent["type"];

/** The event of a given type. */
export type EventOf<T extends UalEventType> = Extract<UalEvent, { type: T }>;

/** An event before the runner stamps it with the run id and the time. */
export type EventDraft<E extends UalEvent = UalEvent> = E extends UalEvent
  ? Omit<E, keyof EventBase> & Partial<EventBase>
  : never;

/**
 * Narrows an event to a type; handy in `filter(isEvent("uncertainty"))`. It narrows a run's
 * stamped events (`UalEvent`, from {@linkcode run}) and a pipeline's drafts (`EventDraft`, from
 * `buildPipeline` or a plugin) alike.
 *
 * @example
 * ```ts
 * run("examples/map-scores.yaml").pipe(filter(isEvent("smoothing"))).subscribe((e) => console.log(e.epsilon));
 * ```
 */
export function isEvent<T extends UalEventType>(type: T): <E extends EventDraft>(event: E) => event is Extract<E, { type: T }> {
  return <E extends EventDraft>(event: E): event is Extract<E, { type: T }> => event.type === type;
}

/**
 * The JSON record of an event as `events.jsonl` stores it: a `sample` event keeps only the
 * sample's id and location, everything else is stored whole.
 */
export function toLogRecord(event: UalEvent): JsonObject {
  if (event.type === "sample") {
    const { sample, ...rest } = event;
    const record: JsonObject = { ...rest, sampleId: sample.id, turns: sample.turns.length };
    if (sample.location) record.location = { ...sample.location };
    return record;
  }
  return event as unknown as { [key: string]: JsonValue };
}

/** Every event type, in the order a run emits them; for filters and option schemas. */
export const EVENT_TYPES = [
  "run.start",
  "stage.start",
  "stage.end",
  "sample",
  "uncertainty",
  "smoothing",
  "mapping",
  "train.step",
  "eval",
  "checkpoint",
  "log",
  "error",
  "run.end",
] as const satisfies readonly UalEventType[];

// Fails to compile when an event type is added to the union but not to EVENT_TYPES.
type _AllListed = Exclude<UalEventType, (typeof EVENT_TYPES)[number]> extends never ? true : never;
const _allListed: _AllListed = true;
void _allListed;

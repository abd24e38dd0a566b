import type { ObservableInput } from "rxjs";
import type { Cost, EventDraft } from "./events.ts";
import type { JsonObject } from "./json.ts";
import type { Sample } from "./sample.ts";

/**
 * What every plugin instance may tell about itself: facts (a trainer's backend, an estimator's
 * model) that the runner records in `run.start`'s `info`, under the stage's name.
 */
export interface Describable {
  info?(): JsonObject;
}

/** Options every stage call receives. */
export interface CallOptions {
  /** Aborted on Ctrl-C or when the run fails: stop starting new work. */
  signal: AbortSignal;
}

// ── source ────────────────────────────────────────────────────────────────────────────

/**
 * Reads samples. `read` is called once per pass (the runner reads once to score and again to
 * train), so it must be re-iterable and stream: never hold the whole dataset in memory.
 */
export interface Source extends Describable {
  read(options: CallOptions): AsyncIterable<Sample>;
  /** The number of samples, if it can be had cheaply (it drives progress bars). */
  count?(options: CallOptions): Promise<number | undefined>;
  /** Tallies of the last completed pass, e.g. `{ read: 100, skipped: 2 }`. */
  stats?(): Record<string, number>;
}

// ── uncertainty ───────────────────────────────────────────────────────────────────────

/** One sample's rating. `score: null` means it could not be had; `reason` says why. */
export interface UncertaintyResult {
  score: number | null;
  reason?: string;
  /** What produced the score (`openai:gpt-4o`, `field:score`); defaults to the plugin's name. */
  source?: string;
  cost?: Cost;
  /** True when no new (paid) call was made for this result. */
  cached?: boolean;
}

/**
 * An offline estimator rates each sample before training. Calls run concurrently
 * (`concurrency`, overridable in the manifest); one failed rating should return
 * `{ score: null, reason }` rather than throw, since a throw fails the run.
 */
export interface OfflineEstimator extends Describable {
  mode?: "offline";
  /** How many `estimate` calls may run at once (default 8). */
  concurrency?: number;
  estimate(sample: Sample, options: CallOptions): ObservableInput<UncertaintyResult>;
  /**
   * What rating `samples` would cost, counted offline without calling anything (`ual estimate`).
   * Paid estimators should implement it.
   */
  estimateCost?(samples: AsyncIterable<Sample>, options: CallOptions): Promise<CostEstimate>;
  /** Called once when the stage ends (flush caches, close connections). */
  close?(): Promise<void>;
}

/** Money a figure may cost: the expected amount and the most it can be. */
export interface CostFigure {
  usd: number;
  maxUsd: number;
}

/** What rating a data set would cost, as an estimator counts it offline. */
export interface CostEstimate {
  /** Samples read. */
  samples: number;
  /** Ratings still to pay for (after de-duplication and the cache). */
  toRate: number;
  inputTokens: number;
  outputTokens: number;
  /** At list price, one request per rating; absent when the price is unknown. */
  sync?: CostFigure;
  /** Through the provider's batch API, if it has one. */
  batch?: CostFigure;
  /** The estimate in a few lines for people. */
  summary: string;
}

/**
 * An online estimator turns quantities of the training forward pass into ε during training
 * (spec §4, PPL-ratio). Its state is checkpointed with the model.
 */
export interface OnlineEstimator extends Describable {
  mode: "online";
  /**
   * Which NLL the trainer must hand to `next`: `"next-token"` (default; logits at t scored against
   * the label at t+1) or `"reference"` (the reference code's unshifted gather, spec §4.1).
   */
  shift?: "next-token" | "reference";
  /** ε for each sample of a batch, from each sample's mean NLL over its targets. */
  next(meanNll: readonly number[]): number[];
  /** The running state, for checkpoints. */
  state(): JsonObject;
  restore(state: JsonObject): void;
}

/** Either kind of uncertainty estimator. */
export type UncertaintyEstimator = OfflineEstimator | OnlineEstimator;

// ── mapper ────────────────────────────────────────────────────────────────────────────

/** ε per sample, in the order of the scores given, plus what the mapping did. */
export interface MapResult {
  values: ArrayLike<number>;
  /** How many null scores were imputed. */
  imputed: number;
  /** How many values were clipped at the cap. */
  clipped: number;
  /** Mapper-specific facts (β, α, cap, solver, ...). */
  details: JsonObject;
}

/**
 * Maps all scores of a dataset to label-smoothing values. It sees every score at once (a
 * barrier), but only numbers: the samples themselves are not kept.
 */
export interface Mapper extends Describable {
  map(scores: ReadonlyArray<number | null>): MapResult;
}

// ── loss ──────────────────────────────────────────────────────────────────────────────

/**
 * How a trainer combines a batch's per-sample losses (each the mean over that sample's target
 * tokens): `"sample-mean"`, every sample weighs the same (UAL, spec §3.2); `"token-mean"`, each
 * sample weighs by its number of targets, i.e. the mean over every target token of the batch
 * (DFT, EAFT, ASFT and most trainers). A trainer that splits a batch into micro-batches or over
 * devices weights the samples so that the result is the whole batch's.
 */
export type LossAggregation = "sample-mean" | "token-mean";

/**
 * A loss described as data, so that a trainer in another runtime (trainer-torch's Python) or
 * thread can rebuild it without the plugin's code. `kind` names a formula the trainers document
 * (`"label-smoothing"`, `"dft"`, `"eaft"`, `"asft"`), `options` its parameters with every default
 * filled in; a trainer refuses a kind it does not know, naming it.
 */
export interface LossSpec {
  kind: string;
  options: JsonObject;
  aggregation: LossAggregation;
  /** Whether the loss needs the base model's logits (see {@linkcode Loss.needsBaseLogits}). */
  needsBaseLogits: boolean;
}

/** What a loss may get besides logits, labels and ε. */
export interface LossInputs<T = unknown> {
  /** The base model's logits on the same batch, computed without gradient. */
  baseLogits?: T;
}

/**
 * A training loss over tensors of the trainer's library (core knows no tensor type).
 * `epsilon` holds one smoothing value per sample of the batch. `perSample` gives each sample's
 * mean over its target tokens; `mean` reduces them by `aggregation`.
 */
export interface Loss<T = unknown> extends Describable {
  perSample(logits: T, labels: T, epsilon: readonly number[], inputs?: LossInputs<T>): T;
  mean(logits: T, labels: T, epsilon: readonly number[], inputs?: LossInputs<T>): T;
  /** How the trainer weights samples in a batch; default `"sample-mean"`. */
  aggregation?: LossAggregation;
  /**
   * The loss needs `inputs.baseLogits`: the base model's logits on the batch, without gradient
   * (with LoRA the same weights with the adapters off; with full fine-tuning a frozen copy of the
   * initial weights).
   */
  needsBaseLogits?: boolean;
  /** The loss as data (see {@linkcode LossSpec}); without it a trainer can only call the methods. */
  spec?(): LossSpec;
}

// ── trainer ───────────────────────────────────────────────────────────────────────────

/** What a trainer is handed. */
export interface TrainInput {
  /** Reads the training samples (one pass per call). */
  samples(options: CallOptions): AsyncIterable<Sample>;
  /** ε by sample id, from the mapper; absent when ε comes from an online estimator or not at all. */
  smoothing?: ReadonlyMap<string, number>;
  /** The online estimator, when the manifest's uncertainty stage is one. */
  online?: OnlineEstimator;
  /** The loss plugin, when the manifest names one. */
  loss?: Loss;
}

/**
 * Trains a model. It reports progress as `train.step` and `checkpoint` events; the path of the
 * last checkpoint is handed to evaluators as `artifacts.model`.
 */
export interface Trainer extends Describable {
  train(input: TrainInput, options: CallOptions): ObservableInput<EventDraft>;
}

// ── evaluator ─────────────────────────────────────────────────────────────────────────

/** What an evaluator is handed. */
export interface EvaluateInput {
  /** Outputs of earlier stages by name, e.g. `model` (a checkpoint directory). */
  artifacts: Readonly<Record<string, string>>;
  /** The run's samples (one pass per call). */
  samples(options: CallOptions): AsyncIterable<Sample>;
}

/** Measures something and reports it as `eval` events. */
export interface Evaluator extends Describable {
  evaluate(input: EvaluateInput, options: CallOptions): ObservableInput<EventDraft>;
}

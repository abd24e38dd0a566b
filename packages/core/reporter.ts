import type {
  ErrorEvent,
  EvalEvent,
  LogEvent,
  MappingEvent,
  RunEndEvent,
  RunStartEvent,
  SmoothingEvent,
  TrainStepEvent,
  UalEvent,
  UncertaintyEvent,
} from "./events.ts";

/**
 * Sees every event of a run. Every hook is optional; the typed hooks are called after
 * `onEvent` for their event type. A reporter that throws is logged, never fatal.
 */
export interface Reporter {
  /** Any event, in stream order. */
  onEvent?(event: UalEvent): void;
  /** The run begins. */
  onRunStart?(event: RunStartEvent): void;
  /** A sample was rated. */
  onUncertainty?(event: UncertaintyEvent): void;
  /** A sample got its ε. */
  onSmoothing?(event: SmoothingEvent): void;
  /** The mapper finished. */
  onMapping?(event: MappingEvent): void;
  /** An optimiser step finished. */
  onTrainStep?(event: TrainStepEvent): void;
  /** An evaluator reported a metric. */
  onEval?(event: EvalEvent): void;
  /** A message for people. */
  onLog?(event: LogEvent): void;
  /** Something went wrong. */
  onError?(event: ErrorEvent): void;
  /** The run ended. */
  onRunEnd?(event: RunEndEvent): void;
  /** Flush and release resources; awaited before the run returns. */
  close?(): Promise<void> | void;
}

const TYPED_HOOKS = {
  "run.start": "onRunStart",
  uncertainty: "onUncertainty",
  smoothing: "onSmoothing",
  mapping: "onMapping",
  "train.step": "onTrainStep",
  eval: "onEval",
  log: "onLog",
  error: "onError",
  "run.end": "onRunEnd",
} as const satisfies Partial<Record<UalEvent["type"], keyof Reporter>>;

/**
 * Calls the hooks of `reporter` that `event` concerns. Used by the runner; handy in tests.
 */
export function dispatchToReporter(reporter: Reporter, event: UalEvent): void {
  reporter.onEvent?.(event);
  const hook = (TYPED_HOOKS as Partial<Record<UalEvent["type"], keyof Reporter>>)[event.type];
  if (hook === undefined) return;
  const fn = reporter[hook] as ((e: UalEvent) => void) | undefined;
  fn?.call(reporter, event);
}

/**
 * How the learning rate moves over training (spec §5.3, §9):
 * - `"constant"` (default): linear warmup over the first `warmup` share of the *optimizer* steps,
 *   then the peak;
 * - `"cosine"`: the same warmup, then a cosine decay from the peak to 0 at the last step;
 * - `"reference"`: the reference code's ramp, lr_k = peak·min(k, W)/W for optimizer step k = 0, 1, …
 *   with W = ⌊0.1 · samples drawn in the whole run⌋ — a count of micro-iterations compared with
 *   a count of optimizer steps — so the first update has lr 0 and, with batches of 10 or more, the
 *   peak is never reached (the bug of spec §5.3, kept by name).
 */
export type LrScheduleName = "constant" | "cosine" | "reference";

/** Options of {@linkcode learningRateAt}. */
export interface LrScheduleOptions {
  schedule: LrScheduleName;
  /** The peak learning rate. */
  peak: number;
  /** The number of optimizer steps of the whole run. */
  totalSteps: number;
  /** Warmup steps for `constant` and `cosine` (callers turn the 10% default into steps). */
  warmupSteps: number;
  /** Samples per optimizer step; only `reference` uses it. */
  batchSize?: number;
  /**
   * Only `reference`: the samples drawn over the whole run (the reference's N·E micro-iterations).
   * Default totalSteps·batchSize; an epoch-based run passes epochs × dataset size, which differs
   * when the last batch of an epoch is short.
   */
  totalSamples?: number;
}

/**
 * The learning rate of optimizer step `step` (0-based). The warmup of `constant` and `cosine`
 * is (step+1)/warmupSteps of the peak, so the first update is never 0 (unlike the reference).
 *
 * @example
 * ```ts
 * import { learningRateAt } from "@ual/nn";
 *
 * const opts = { schedule: "constant", peak: 3e-4, totalSteps: 100, warmupSteps: 10 } as const;
 * learningRateAt(0, opts); // 3e-5
 * learningRateAt(50, opts); // 3e-4
 * ```
 */
export function learningRateAt(step: number, options: LrScheduleOptions): number {
  const { schedule, peak, totalSteps, warmupSteps } = options;
  if (!Number.isInteger(step) || step < 0) throw new RangeError(`learningRateAt: step must be a non-negative integer, got ${step}`);
  if (schedule === "reference") {
    // spec §5.3: warmup_iters = int(0.1·max_iters) micro-iterations of one sample each, compared
    // with the optimizer-step counter; the lr stops changing once that counter passes it.
    const w = Math.floor(0.1 * (options.totalSamples ?? totalSteps * (options.batchSize ?? 1)));
    if (w <= 0) return peak;
    return (peak * Math.min(step, w)) / w;
  }
  if (step < warmupSteps) return (peak * (step + 1)) / warmupSteps;
  if (schedule === "constant") return peak;
  if (schedule === "cosine") {
    const decaySteps = Math.max(1, totalSteps - warmupSteps);
    const progress = Math.min(1, (step - warmupSteps) / decaySteps);
    return 0.5 * peak * (1 + Math.cos(Math.PI * progress));
  }
  throw new RangeError(`learningRateAt: unknown schedule ${JSON.stringify(schedule as string)}`);
}

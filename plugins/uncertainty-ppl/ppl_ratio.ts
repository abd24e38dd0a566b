import type { JsonObject } from "@ual/core";

/** Options of {@linkcode createPplRatio}. */
export interface PplRatioOptions {
  /** The smoothing of a sample whose NLL equals the running average (default 0.1). */
  alpha?: number;
  /** How strongly the ratio moves ε away from α (default 1: ε ∝ NLL / average). */
  beta?: number;
  /** The largest ε (default 0.99). */
  cap?: number;
}

/** The running state, as checkpoints keep it. */
export interface PplRatioState {
  /** Sum of every finite NLL seen since training started. */
  total: number;
  /** How many NLLs that sum holds. */
  count: number;
  /** NLLs that were not finite and so were left out of the average. */
  skipped: number;
}

/** A PPL-ratio estimator: feed it each batch's per-sample mean NLL, get each sample's ε. */
export interface PplRatio {
  next(meanNll: readonly number[]): number[];
  /** The running average NLL (NaN before the first sample). */
  average(): number;
  state(): PplRatioState;
  restore(state: PplRatioState): void;
}

/**
 * The PPL-ratio online uncertainty of spec §4: a sample whose NLL is above the model's running
 * average NLL is one the model finds uncertain, so it gets more smoothing.
 *
 *   ε_b = clip(α · (1 + β · (nll_b / avg − 1)), 0, cap)
 *
 * `avg` is the cumulative mean of every NLL since training started, updated with the whole batch
 * *before* any ε is computed — so the current samples count, and the very first sample gets α
 * (spec §4.2). An NLL that is not finite (a diverged step) is left out of the average and gets α,
 * so one bad step cannot poison the rest of training.
 *
 * @example
 * ```ts
 * const ppl = createPplRatio({ alpha: 0.1 });
 * ppl.next([2]); // [0.1]
 * ppl.next([1]); // [0.0667] — below the average of 1.5
 * ppl.next([3]); // [0.15]   — above the average of 2
 * ```
 */
export function createPplRatio(options: PplRatioOptions = {}): PplRatio {
  const alpha = options.alpha ?? 0.1;
  const beta = options.beta ?? 1;
  const cap = options.cap ?? 0.99;
  if (!(alpha >= 0 && alpha <= cap)) throw new RangeError(`alpha must be in [0, cap], got ${alpha} (cap ${cap})`);
  if (!(cap > 0 && cap <= 1)) throw new RangeError(`cap must be in (0, 1], got ${cap}`);
  if (!Number.isFinite(beta)) throw new RangeError(`beta must be a finite number, got ${beta}`);
  let total = 0;
  let count = 0;
  let skipped = 0;
  return {
    next(meanNll) {
      for (const nll of meanNll) {
        if (Number.isFinite(nll)) {
          total += nll;
          count++;
        } else skipped++;
      }
      const avg = total / count;
      return meanNll.map((nll) => {
        // No usable average yet (or a model that predicts perfectly): treat the sample as typical.
        if (!Number.isFinite(nll) || !(avg > 0)) return alpha;
        const epsilon = alpha * (1 + beta * (nll / avg - 1));
        return Math.min(cap, Math.max(0, epsilon));
      });
    },
    average: () => total / count,
    state: () => ({ total, count, skipped }),
    restore(state) {
      if (!Number.isFinite(state.total) || !Number.isInteger(state.count) || state.count < 0) {
        throw new RangeError(`not a PPL-ratio state: ${JSON.stringify(state)}`);
      }
      total = state.total;
      count = state.count;
      skipped = state.skipped ?? 0;
    },
  };
}

/** Reads a {@linkcode PplRatioState} back from a checkpoint's JSON. */
export function toPplRatioState(json: JsonObject): PplRatioState {
  const { total, count, skipped } = json;
  if (typeof total !== "number" || typeof count !== "number") throw new RangeError(`not a PPL-ratio state: ${JSON.stringify(json)}`);
  return { total, count, skipped: typeof skipped === "number" ? skipped : 0 };
}

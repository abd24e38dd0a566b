import {
  add,
  concat,
  customGrad,
  type GradSaveFunc,
  mul,
  reshape,
  type Scalar,
  slice,
  stack,
  sum,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  tensor2d,
  tidy,
} from "@tensorflow/tfjs-core";
import { rowGrad, rowStats, type RowTargets } from "./_logit_rows.ts";
import type { LossDenominator, SmoothingConvention } from "./smoothed_cross_entropy.ts";

/** Which NLL {@linkcode smoothedCrossEntropyAndNll} reports per sample (spec §4.1). */
export type NllShift = "next-token" | "reference";

/** Options of {@linkcode smoothedCrossEntropyAndNll}. */
export interface SmoothedCrossEntropyAndNllOptions {
  /** Default `"reference"` (spec §3.1). */
  convention?: SmoothingConvention;
  /** Default `"targets"` (spec §3.2). */
  denominator?: LossDenominator;
  /**
   * The weight of each sample's loss in the returned sum. Default: 1/(samples with targets), i.e.
   * the mean over samples. Gradient accumulation passes 1/(samples with targets in the whole
   * batch), so that the micro-batches' losses add up to the batch mean.
   */
  sampleWeights?: ArrayLike<number>;
  /**
   * `"next-token"` (default): the mean NLL of each sample's shifted targets (the loss's own).
   * `"reference"`: the reference code's unshifted gather — position t scored against label t
   * (spec §4.1) — which needs one more pass over the logits, without gradient.
   */
  nllShift?: NllShift;
}

/** What {@linkcode smoothedCrossEntropyAndNll} returns. */
export interface LossAndNll {
  /** Σ_b sampleWeight_b · loss_b, differentiable with respect to the logits. */
  loss: Scalar;
  /** Each sample's mean NLL (NaN for a sample with nothing to score). */
  meanNll: Float64Array;
  /** The ε used per sample. */
  epsilon: Float64Array;
}

/**
 * Row statistics as one differentiable op: [3, N] = [log Σ exp(z − m), z_y − m, Σ (z − m)] with the
 * row maximum m held constant — valid because everything built from them here (the smoothed loss,
 * the NLL) is shift-invariant. Its gradient is dy₀·softmax + dy₁·onehot(y) + dy₂, built by
 * `rowGrad` without a one-hot.
 */
function statsOp(rows: RowTargets): (z: Tensor2D) => Tensor2D {
  return customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const z = args[0] as Tensor2D;
    const save = args[1] as GradSaveFunc;
    const s = rowStats(z, rows);
    const value = stack([s.logSumExp, s.target, s.sum]) as Tensor2D;
    const fullLse = add(s.max, s.logSumExp) as Tensor1D;
    s.max.dispose();
    s.logSumExp.dispose();
    s.target.dispose();
    s.sum.dispose();
    save([z, fullLse]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tidy(() => {
          const [x, lse] = saved as [Tensor2D, Tensor1D];
          const n = x.shape[0];
          const row = (i: number) => reshape(slice(dy, [i, 0], [1, n]), [n]) as Tensor1D;
          const minus = (t: Tensor1D) => mul(t, -1) as Tensor1D;
          return [rowGrad(x, rows, { logSumExp: lse, scale: row(0), offScale: minus(row(2)), targetScale: minus(row(1)) })];
        }),
    };
  }) as (z: Tensor2D) => Tensor2D;
}

function checkInputs(logits: Tensor3D, labels: Tensor2D): [number, number, number] {
  if (logits.rank !== 3 || logits.dtype !== "float32") {
    throw new Error(`smoothedCrossEntropyAndNll: logits must be a float32 [B,T,V] tensor, got ${logits.dtype} [${logits.shape}]`);
  }
  const [batch, time, vocab] = logits.shape;
  if (labels.rank !== 2 || labels.dtype !== "int32" || labels.shape[0] !== batch || labels.shape[1] !== time) {
    throw new Error(`smoothedCrossEntropyAndNll: labels must be an int32 [B,T] = [${batch},${time}] tensor, got ${labels.dtype} [${labels.shape}]`);
  }
  if (vocab < 2) throw new Error(`smoothedCrossEntropyAndNll: the vocabulary must be ≥ 2, got ${vocab}`);
  if (batch * time * vocab > 2 ** 31 - 1) {
    throw new Error(`smoothedCrossEntropyAndNll: [${logits.shape}] has more than 2^31 logits; split the batch into micro-batches`);
  }
  return [batch, time, vocab];
}

/**
 * The per-sample label-smoothed cross-entropy of spec §3 *and* each sample's mean NLL, from one
 * pass over the logits — for online uncertainty (spec §4), where ε depends on the NLL of the very
 * forward pass that the loss uses. The NLL is read first (B·T numbers to the CPU), `epsilon` turns
 * it into ε (no gradient flows through ε), and the loss is built from the same row statistics.
 *
 * Same conventions as `smoothedCrossEntropy` (the shift is inside; −1 labels are ignored; no
 * [B,T,V] target tensor). A sample with no targets has loss 0 and weight 0.
 *
 * @param epsilon ε per sample, one ε for all, or a function of the per-sample mean NLL.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { smoothedCrossEntropyAndNll } from "@ual/nn";
 *
 * const logits = tf.variable(tf.randomNormal([2, 4, 10])) as tf.Variable<tf.Rank.R3>;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, 6, 7]], [2, 4], "int32");
 * let nll = new Float64Array();
 * const { grads } = tf.variableGrads(() => {
 *   const out = smoothedCrossEntropyAndNll(logits, labels, (meanNll) => meanNll.map((x) => Math.min(0.99, 0.05 * x)));
 *   nll = out.meanNll;
 *   return out.loss;
 * });
 * ```
 */
export function smoothedCrossEntropyAndNll(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: number | ArrayLike<number> | ((meanNll: Float64Array) => ArrayLike<number>),
  options: SmoothedCrossEntropyAndNllOptions = {},
): LossAndNll {
  const convention = options.convention ?? "reference";
  const denominator = options.denominator ?? "targets";
  const nllShift = options.nllShift ?? "next-token";
  if (convention !== "reference" && convention !== "uniform") throw new Error(`smoothedCrossEntropyAndNll: unknown convention ${String(convention)}`);
  if (denominator !== "targets" && denominator !== "reference") throw new Error(`smoothedCrossEntropyAndNll: unknown denominator ${String(denominator)}`);
  if (nllShift !== "next-token" && nllShift !== "reference") throw new Error(`smoothedCrossEntropyAndNll: unknown nllShift ${String(nllShift)}`);
  const [batch, time, vocab] = checkInputs(logits, labels);
  const tokens = batch * time;
  const y = labels.dataSync() as Int32Array;
  const targets = new Int32Array(tokens);
  const flat = new Int32Array(tokens);
  const targetCount = new Int32Array(batch);
  const labelCount = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const n = b * time + t;
      const label = y[n] as number;
      if (label < -1 || label >= vocab) throw new Error(`smoothedCrossEntropyAndNll: labels[${b}][${t}] = ${label} is outside [-1, ${vocab - 1}]`);
      if (label !== -1) labelCount[b] = (labelCount[b] as number) + 1;
      // spec §3.2: the logits at t predict the label at t+1
      const next = t + 1 < time ? (y[n + 1] as number) : -1;
      targets[n] = next;
      flat[n] = n * vocab + Math.max(next, 0);
      if (next !== -1) targetCount[b] = (targetCount[b] as number) + 1;
    }
  }
  const withTargets = targetCount.reduce((k, c) => k + (c > 0 ? 1 : 0), 0);
  const sampleWeights = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const given = options.sampleWeights?.[b];
    sampleWeights[b] = (targetCount[b] as number) === 0 ? 0 : given !== undefined ? given : 1 / withTargets;
  }
  if (options.sampleWeights !== undefined && options.sampleWeights.length !== batch) {
    throw new Error(`smoothedCrossEntropyAndNll: ${options.sampleWeights.length} sample weights for ${batch} samples`);
  }

  const z = reshape(logits, [tokens, vocab]) as Tensor2D;
  const stats = statsOp({ targets, flat })(z);
  const values = stats.dataSync() as Float32Array;
  const meanNll = new Float64Array(batch).fill(Number.NaN);
  if (nllShift === "next-token") {
    for (let b = 0; b < batch; b++) {
      if ((targetCount[b] as number) === 0) continue;
      let s = 0;
      for (let t = 0; t < time; t++) {
        const n = b * time + t;
        if ((targets[n] as number) !== -1) s += (values[n] as number) - (values[tokens + n] as number);
      }
      meanNll[b] = s / (targetCount[b] as number);
    }
  } else {
    // spec §4.1: log p at position t of the label at t (no shift), over the non-ignored labels.
    const unshifted = new Int32Array(tokens);
    const unshiftedFlat = new Int32Array(tokens);
    for (let n = 0; n < tokens; n++) {
      unshifted[n] = y[n] as number;
      unshiftedFlat[n] = n * vocab + Math.max(y[n] as number, 0);
    }
    const ref = tidy(() => {
      const s = rowStats(z, { targets: unshifted, flat: unshiftedFlat });
      return concat([s.logSumExp, s.target]);
    });
    const r = ref.dataSync() as Float32Array;
    ref.dispose();
    for (let b = 0; b < batch; b++) {
      if ((labelCount[b] as number) === 0) continue;
      let s = 0;
      for (let t = 0; t < time; t++) {
        const n = b * time + t;
        if ((y[n] as number) !== -1) s += (r[n] as number) - (r[tokens + n] as number);
      }
      meanNll[b] = s / (labelCount[b] as number);
    }
  }

  const eps = new Float64Array(batch);
  const given = typeof epsilon === "function" ? epsilon(meanNll) : typeof epsilon === "number" ? new Array<number>(batch).fill(epsilon) : epsilon;
  if (given.length !== batch) throw new Error(`smoothedCrossEntropyAndNll: ${given.length} ε values for ${batch} samples`);
  for (let b = 0; b < batch; b++) {
    const e = given[b] as number;
    if (!(e >= 0 && e <= 1)) throw new Error(`smoothedCrossEntropyAndNll: epsilon[${b}] = ${e} is outside [0, 1]`);
    eps[b] = e;
  }

  // loss = Σ_n W₀·lse' − W₁·(z_y − m) − W₂·Σ(z − m), with W = sampleWeight/den × (1, c, a) (spec §3.1)
  const w = new Float32Array(3 * tokens);
  for (let b = 0; b < batch; b++) {
    if ((targetCount[b] as number) === 0) continue;
    const den = denominator === "targets" ? (targetCount[b] as number) : (labelCount[b] as number);
    const e = eps[b] as number;
    const a = convention === "reference" ? e / (vocab - 1) : e / vocab;
    const c = convention === "reference" ? 1 - e - a : 1 - e;
    const scale = (sampleWeights[b] as number) / den;
    for (let t = 0; t < time; t++) {
      const n = b * time + t;
      if ((targets[n] as number) === -1) continue;
      w[n] = scale;
      w[tokens + n] = -scale * c;
      w[2 * tokens + n] = -scale * a;
    }
  }
  const weights = tensor2d(w, [3, tokens]);
  const loss = sum(mul(stats, weights)) as Scalar;
  weights.dispose();
  return { loss, meanNll, epsilon: eps };
}

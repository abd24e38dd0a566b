import {
  add,
  customGrad,
  exp,
  type GradSaveFunc,
  logSoftmax,
  mul,
  neg,
  pow,
  relu,
  reshape,
  type Scalar,
  softmax,
  sub,
  sum,
  Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  tensor1d,
  tidy,
  topk,
} from "@tensorflow/tfjs-core";
import { rowGrad, rowStats, type RowTargets } from "./_logit_rows.ts";
import type { SmoothingConvention, SmoothingValues } from "./smoothed_cross_entropy.ts";

/**
 * The stop-gradient weight each target token's (smoothed) cross-entropy is multiplied by:
 * - `"none"`: 1 (plain or label-smoothed cross-entropy);
 * - `"dft"`: p_y, the model's probability of the target (DFT, arXiv 2508.05629);
 * - `"eaft"`: (H_K / s)^α, H_K the entropy of the softmax over the K largest logits (EAFT,
 *   arXiv 2601.02151).
 */
export type TokenWeighting = "none" | "dft" | "eaft";

/**
 * How a batch's per-token losses become one number:
 * - `"token-mean"`: the mean over every target token of the batch (DFT, EAFT, ASFT and most
 *   trainers: a long sample weighs more);
 * - `"sample-mean"`: each sample's mean over its targets, then the mean over samples (UAL, spec
 *   §3.2: the reference's micro-batch-1 semantics).
 */
export type LossAggregation = "token-mean" | "sample-mean";

/** Options of {@linkcode tokenLossPerSample} and {@linkcode tokenLoss}. */
export interface TokenLossOptions {
  /** The per-token weight; default `"none"`. */
  weighting?: TokenWeighting;
  /** EAFT's exponent α (LLaMA-Factory `eaft_alpha`); default 1. */
  alpha?: number;
  /** EAFT's K, the number of largest logits the entropy is taken over; default 20 (at most V). */
  topK?: number;
  /**
   * What EAFT divides H_K by: `"log-k"` (default), ln K, the largest H_K can be, so that the
   * weight lies in [0, 1]; or a number (LLaMA-Factory divides by 3, ln 20 rounded).
   */
  entropyScale?: "log-k" | number;
  /**
   * ASFT's anchor λ (LLaMA-Factory `asft_alpha`, the paper's KL coefficient): λ·KL(q_base ‖ p)
   * is added at every target token, q_base the base model's next-token distribution from
   * `baseLogits`. Default 0 (no anchor, no base logits needed).
   */
  anchor?: number;
  /** The smoothed target's convention (see `smoothedCrossEntropy`); default `"reference"`. */
  convention?: SmoothingConvention;
  /** How {@linkcode tokenLoss} reduces the batch; default `"token-mean"`. */
  aggregation?: LossAggregation;
}

const NAME = "tokenLoss";
const WEIGHTINGS: readonly TokenWeighting[] = ["none", "dft", "eaft"];
const AGGREGATIONS: readonly LossAggregation[] = ["token-mean", "sample-mean"];

interface Plan {
  batch: number;
  time: number;
  vocab: number;
  rows: RowTargets;
  /** Per token: 1/n_b of its sample where it has a target, else 0. */
  tokenWeight: Float32Array;
  /** Per token: a, the smoothed target's weight on every class. */
  off: Float32Array;
  /** Per token: c = q[y] − a, the target class's extra weight. */
  onTarget: Float32Array;
  /** Per sample: its weight in the batch mean, for each aggregation. */
  sampleWeight: Record<LossAggregation, Float32Array>;
  weighting: TokenWeighting;
  alpha: number;
  topK: number;
  entropyScale: number;
  anchor: number;
}

function smoothing(epsilon: SmoothingValues, batch: number): Float64Array {
  let values: ArrayLike<number>;
  if (typeof epsilon === "number") values = new Array<number>(batch).fill(epsilon);
  else if (Array.isArray(epsilon)) values = epsilon as readonly number[];
  else if (epsilon instanceof Tensor) {
    if (epsilon.rank !== 1) throw new Error(`${NAME}: epsilon must be a [B] tensor, got shape [${epsilon.shape}]`);
    values = epsilon.dataSync();
  } else throw new Error(`${NAME}: epsilon must be a number, an array of numbers or a [B] tensor`);
  if (values.length !== batch) throw new Error(`${NAME}: epsilon has ${values.length} values but the batch has ${batch} samples`);
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const e = values[b] as number;
    if (!Number.isFinite(e) || e < 0 || e > 1) throw new Error(`${NAME}: epsilon[${b}] = ${e} is outside [0, 1]`);
    out[b] = e;
  }
  return out;
}

function plan(logits: Tensor3D, labels: Tensor2D, epsilon: SmoothingValues, options: TokenLossOptions, baseLogits: Tensor3D | undefined): Plan {
  const weighting = options.weighting ?? "none";
  const convention = options.convention ?? "reference";
  const alpha = options.alpha ?? 1;
  const anchor = options.anchor ?? 0;
  if (!WEIGHTINGS.includes(weighting)) throw new Error(`${NAME}: weighting must be one of ${WEIGHTINGS.join(", ")}, got ${String(weighting)}`);
  if (convention !== "reference" && convention !== "uniform") throw new Error(`${NAME}: convention must be reference or uniform, got ${String(convention)}`);
  if (options.aggregation !== undefined && !AGGREGATIONS.includes(options.aggregation)) {
    throw new Error(`${NAME}: aggregation must be one of ${AGGREGATIONS.join(", ")}, got ${String(options.aggregation)}`);
  }
  if (!Number.isFinite(alpha) || alpha < 0) throw new Error(`${NAME}: alpha must be a number ≥ 0, got ${alpha}`);
  if (!Number.isFinite(anchor) || anchor < 0) throw new Error(`${NAME}: anchor must be a number ≥ 0, got ${anchor}`);
  if (!(logits instanceof Tensor) || !(labels instanceof Tensor)) throw new Error(`${NAME}: logits and labels must be tfjs tensors`);
  if (logits.rank !== 3 || logits.dtype !== "float32") throw new Error(`${NAME}: logits must be a float32 [B,T,V] tensor, got ${logits.dtype} [${logits.shape}]`);
  const [batch, time, vocab] = logits.shape;
  if (labels.rank !== 2 || labels.dtype !== "int32" || labels.shape[0] !== batch || labels.shape[1] !== time) {
    throw new Error(`${NAME}: labels must be an int32 [B,T] = [${batch},${time}] tensor, got ${labels.dtype} [${labels.shape}]`);
  }
  if (batch < 1 || time < 1) throw new Error(`${NAME}: empty batch [${logits.shape}]`);
  if (vocab < 2) throw new Error(`${NAME}: the vocabulary (last logits dimension) must be ≥ 2, got ${vocab}`);
  if (anchor > 0) {
    if (baseLogits === undefined) throw new Error(`${NAME}: anchor ${anchor} needs the base model's logits (baseLogits), the same [B,T,V] shape as the logits`);
    if (!(baseLogits instanceof Tensor) || baseLogits.rank !== 3 || baseLogits.shape.some((d, i) => d !== logits.shape[i])) {
      throw new Error(`${NAME}: baseLogits must have the logits' shape [${logits.shape}], got [${(baseLogits as Tensor | undefined)?.shape}]`);
    }
  }
  const topK = Math.min(options.topK ?? 20, vocab);
  if (!Number.isInteger(topK) || topK < 2) throw new Error(`${NAME}: topK must be an integer ≥ 2, got ${options.topK}`);
  const scaleOption = options.entropyScale ?? "log-k";
  const entropyScale = scaleOption === "log-k" ? Math.log(topK) : scaleOption;
  if (typeof entropyScale !== "number" || !(entropyScale > 0)) throw new Error(`${NAME}: entropyScale must be "log-k" or a number > 0, got ${String(scaleOption)}`);
  const tokens = batch * time;
  if (tokens * vocab > 2 ** 31 - 1) throw new Error(`${NAME}: [${logits.shape}] has more than 2^31 logits; split the batch into micro-batches`);
  const eps = smoothing(epsilon, batch);

  const y = labels.dataSync() as Int32Array;
  const targets = new Int32Array(tokens);
  const flat = new Int32Array(tokens);
  const tokenWeight = new Float32Array(tokens);
  const off = new Float32Array(tokens);
  const onTarget = new Float32Array(tokens);
  const counts = new Int32Array(batch);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const label = y[b * time + t] as number;
      if (label < -1 || label >= vocab || !Number.isInteger(label)) throw new Error(`${NAME}: labels[${b}][${t}] = ${label} is outside [-1, ${vocab - 1}]`);
      // spec §3.2: the logits at t predict the label at t+1; the last position predicts nothing
      const next = t + 1 < time ? (y[b * time + t + 1] as number) : -1;
      const n = b * time + t;
      targets[n] = next;
      flat[n] = n * vocab + Math.max(next, 0);
      if (next !== -1) counts[b] = (counts[b] as number) + 1;
    }
    const count = counts[b] as number;
    if (count === 0) continue;
    const e = eps[b] as number;
    // spec §3.1: q[y] = c + a and q[j≠y] = a
    const a = convention === "reference" ? e / (vocab - 1) : e / vocab;
    const c = convention === "reference" ? 1 - e - a : 1 - e;
    for (let t = 0; t < time; t++) {
      const n = b * time + t;
      if ((targets[n] as number) === -1) continue;
      tokenWeight[n] = 1 / count;
      off[n] = a;
      onTarget[n] = c;
    }
  }
  let totalTargets = 0;
  let withTargets = 0;
  for (let b = 0; b < batch; b++) {
    totalTargets += counts[b] as number;
    if ((counts[b] as number) > 0) withTargets++;
  }
  const tokenMean = new Float32Array(batch);
  const sampleMean = new Float32Array(batch);
  for (let b = 0; b < batch; b++) {
    const count = counts[b] as number;
    if (count === 0) continue;
    tokenMean[b] = count / totalTargets;
    sampleMean[b] = 1 / withTargets;
  }
  return {
    batch,
    time,
    vocab,
    rows: { targets, flat },
    tokenWeight,
    off,
    onTarget,
    sampleWeight: { "token-mean": tokenMean, "sample-mean": sampleMean },
    weighting,
    alpha,
    topK,
    entropyScale,
    anchor,
  };
}

/** The stop-gradient weight per row ([N]); `logits` [N,V], `target`/`logSumExp` relative to the row max. */
function tokenWeights(p: Plan, z: Tensor2D, target: Tensor1D, logSumExp: Tensor1D): Tensor1D | undefined {
  if (p.weighting === "dft") return exp(sub(target, logSumExp)) as Tensor1D;
  if (p.weighting === "eaft") {
    return tidy(() => {
      // the entropy of the renormalised top-K distribution (the cheap proxy of the full entropy)
      const { values } = topk(z, p.topK, false);
      const logq = logSoftmax(values);
      // −Σ q·log q ≥ 0; relu drops a rounding error below 0 before the power
      const entropy = relu(neg(sum(mul(exp(logq), logq), 1)));
      const scaled = mul(entropy, 1 / p.entropyScale);
      return (p.alpha === 1 ? scaled : pow(scaled, p.alpha)) as Tensor1D;
    });
  }
  return undefined;
}

function lossOp(p: Plan, reduction: "perSample" | LossAggregation, baseLogits: Tensor3D | undefined): (logits: Tensor3D) => Tensor {
  const { batch, time, vocab, rows } = p;
  const tokens = batch * time;
  return customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const logits = args[0] as Tensor3D;
    const save = args[1] as GradSaveFunc;
    const z = reshape(logits, [tokens, vocab]) as Tensor2D;
    const stats = rowStats(z, rows);
    const a = tensor1d(p.off);
    const c = tensor1d(p.onTarget);
    // the smoothed cross-entropy per row, lse' − c·(z_y − m) − a·Σ_j (z_j − m) (spec §3.1)
    const ce = sub(sub(stats.logSumExp, mul(c, stats.target)), mul(a, stats.sum)) as Tensor1D;
    const weight = tokenWeights(p, z, stats.target, stats.logSumExp);
    let perToken: Tensor1D = weight === undefined ? ce : (mul(ce, weight) as Tensor1D);
    const fullLse = add(stats.max, stats.logSumExp) as Tensor1D;
    let baseProbs: Tensor2D | undefined;
    if (p.anchor > 0) {
      const zb = reshape(baseLogits as Tensor3D, [tokens, vocab]) as Tensor2D;
      const logBase = logSoftmax(zb);
      baseProbs = exp(logBase) as Tensor2D;
      // KL(q_base ‖ p) = Σ_j q_j·(log q_j − log p_j), from the log-probabilities themselves so
      // that nothing of size |z| cancels (the KL is ≈ 0 at the start of training)
      const logP = sub(z, reshape(fullLse, [tokens, 1]));
      const kl = sum(mul(baseProbs, sub(logBase, logP)), 1) as Tensor1D;
      perToken = add(perToken, mul(kl, p.anchor)) as Tensor1D;
    }
    const perSample = sum(reshape(mul(perToken, tensor1d(p.tokenWeight)), [batch, time]), 1) as Tensor1D;
    const value = reduction === "perSample" ? perSample : sum(mul(perSample, tensor1d(p.sampleWeight[reduction])));
    const w = weight ?? tensor1d(new Float32Array(tokens).fill(1));
    save([logits, fullLse, w, ...(baseProbs !== undefined ? [baseProbs] : [])]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tidy(() => {
          const [x, lse, tw, qBase] = saved as [Tensor3D, Tensor1D, Tensor1D, Tensor2D | undefined];
          const perSampleDy = reduction === "perSample" ? dy : mul(dy, tensor1d(p.sampleWeight[reduction]));
          // G_n: the chain rule's factor per row, d(value)/d(per-token loss)
          const g = reshape(mul(reshape(perSampleDy, [batch, 1]), reshape(tensor1d(p.tokenWeight), [batch, time])), [tokens]) as Tensor1D;
          const gw = mul(g, tw) as Tensor1D;
          // G·[w·(p − q_ε) + λ·(p − q_base)]: the dense part in one fused row pass, the anchor's q_base after
          const dz = rowGrad(reshape(x, [tokens, vocab]) as Tensor2D, rows, {
            logSumExp: lse,
            scale: p.anchor > 0 ? (add(gw, mul(g, p.anchor)) as Tensor1D) : gw,
            offScale: mul(gw, tensor1d(p.off)) as Tensor1D,
            targetScale: mul(gw, tensor1d(p.onTarget)) as Tensor1D,
          });
          const full = qBase === undefined ? dz : sub(dz, mul(qBase, reshape(mul(g, p.anchor), [tokens, 1])));
          return reshape(full, [batch, time, vocab]);
        }),
    };
  }) as (logits: Tensor3D) => Tensor;
}

/**
 * The token-level fine-tuning losses of the peers of UAL, per sample: for each sample, the mean
 * over its real targets of
 *
 *   w_t · CE_ε(z_t, y_t) + λ · KL(q_base,t ‖ softmax(z_t))
 *
 * where CE_ε is the label-smoothed cross-entropy with the sample's ε (spec §3.1; ε = 0 is plain
 * cross-entropy), w_t a stop-gradient weight (`weighting`: 1, DFT's p_y, or EAFT's
 * (H_K/s)^α — p_y and H_K from the model's own logits, unsmoothed), and λ = `anchor` ASFT's KL
 * to the base model's distribution (`baseLogits`). So DFT = `{ weighting: "dft" }`, EAFT =
 * `{ weighting: "eaft" }`, ASFT = `{ weighting: "dft", anchor: 0.1 }`, and UAL+EAFT is EAFT given
 * the mapper's ε. The logits at t predict the label at t+1 (the shift is done here); label −1 is
 * ignored; a sample with no targets gets 0.
 *
 * One custom-gradient op: the row statistics and the gradient w·(softmax − q_ε) + λ·(softmax −
 * q_base) come from the fused row kernels (`@ual/blas` on wasm); no [B,T,V] one-hot or target
 * tensor is built. EAFT adds a top-K over each row; ASFT holds the base distribution between the
 * passes (one [B,T,V] buffer). No gradient flows to ε, to the weights or to the base logits.
 *
 * @param logits float32 [B,T,V].
 * @param labels int32 [B,T], −1 = ignored.
 * @param epsilon ε per sample, or one for all, each in [0, 1].
 * @param baseLogits float32 [B,T,V], the base model's logits on the same inputs (needed when `anchor` > 0).
 * @returns float32 [B].
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { tokenLossPerSample } from "@ual/nn";
 *
 * const logits = tf.randomNormal([2, 4, 32]) as tf.Tensor3D;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, -1, -1]], [2, 4], "int32");
 * const eaft = tokenLossPerSample(logits, labels, 0, { weighting: "eaft" }); // shape [2]
 * ```
 */
export function tokenLossPerSample(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: SmoothingValues,
  options: TokenLossOptions = {},
  baseLogits?: Tensor3D,
): Tensor1D {
  return lossOp(plan(logits, labels, epsilon, options, baseLogits), "perSample", baseLogits)(logits) as Tensor1D;
}

/**
 * The batch loss of {@linkcode tokenLossPerSample}, reduced by `aggregation`: `"token-mean"`
 * (default; the mean over every target token of the batch, as DFT, EAFT and ASFT are defined)
 * or `"sample-mean"` (the mean over samples of their means, UAL's spec §3.2). Samples without
 * targets are left out; with no target at all the loss is 0.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { tokenLoss } from "@ual/nn";
 *
 * const logits = tf.variable(tf.randomNormal([2, 4, 32])) as tf.Variable<tf.Rank.R3>;
 * const base = tf.randomNormal([2, 4, 32]) as tf.Tensor3D;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, -1, -1]], [2, 4], "int32");
 * // ASFT: DFT plus 0.1·KL(base ‖ model) at each target token
 * const { value, grads } = tf.variableGrads(() => tokenLoss(logits, labels, 0, { weighting: "dft", anchor: 0.1 }, base));
 * ```
 */
export function tokenLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: SmoothingValues,
  options: TokenLossOptions = {},
  baseLogits?: Tensor3D,
): Scalar {
  return lossOp(plan(logits, labels, epsilon, options, baseLogits), options.aggregation ?? "token-mean", baseLogits)(logits) as Scalar;
}

import {
  add,
  customGrad,
  type GradSaveFunc,
  mul,
  reshape,
  type Scalar,
  sub,
  sum,
  Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  tensor1d,
  tensor2d,
  tidy,
} from "@tensorflow/tfjs-core";
import { rowGrad, rowStats, type RowTargets } from "./_logit_rows.ts";

/**
 * The smoothed target distribution q for a target y with smoothing ε over V classes (spec §3.1):
 * - `"reference"` (default): q[y] = 1 − ε and q[j] = ε/(V−1) elsewhere, as the UAL reference code;
 * - `"uniform"`: PyTorch's `label_smoothing`, q = (1 − ε)·onehot + ε/V.
 */
export type SmoothingConvention = "reference" | "uniform";

/**
 * What each sample's summed token loss is divided by (spec §3.2, §9):
 * - `"targets"` (default): the number of its real (non-ignored) shifted targets, a true mean;
 * - `"reference"`: the number of its non-ignored *unshifted* labels, which counts position 0 too
 *   and so scales the mean by (T−1)/T when nothing is masked (the reference code's quirk).
 */
export type LossDenominator = "targets" | "reference";

/** Options of {@linkcode smoothedCrossEntropy} and {@linkcode smoothedCrossEntropyPerSample}. */
export interface SmoothedCrossEntropyOptions {
  /** The smoothed target convention; default `"reference"`. */
  convention?: SmoothingConvention;
  /** The per-sample normaliser; default `"targets"`. */
  denominator?: LossDenominator;
}

/** ε per sample: a [B] tensor, B numbers, or one number for every sample. */
export type SmoothingValues = Tensor1D | readonly number[] | number;

/** Everything about one call that is known before any [B,T,V] work, computed on the CPU. */
interface LossPlan {
  batch: number;
  time: number;
  vocab: number;
  rows: RowTargets;
  /** Per token: 1/den of its sample where it has a target, else 0. */
  tokenWeight: Float32Array;
  /** Per token: tokenWeight·a (the weight of every off-target class). */
  offWeight: Float32Array;
  /** Per token: tokenWeight·c with c = q[y] − a (the extra weight of the target class). */
  targetWeight: Float32Array;
  /** Per sample: 1/(number of samples with targets) if it has targets, else 0. */
  sampleWeight: Float32Array;
}

const CONVENTIONS: readonly SmoothingConvention[] = ["reference", "uniform"];
const DENOMINATORS: readonly LossDenominator[] = ["targets", "reference"];

function smoothingPerSample(epsilon: SmoothingValues, batch: number): Float64Array {
  let values: ArrayLike<number>;
  if (typeof epsilon === "number") {
    values = new Array<number>(batch).fill(epsilon);
  } else if (Array.isArray(epsilon)) {
    values = epsilon as readonly number[];
  } else if (epsilon instanceof Tensor) {
    const t = epsilon;
    if (t.rank !== 1) throw new Error(`smoothedCrossEntropy: epsilon must be a [B] tensor, got shape [${t.shape}]`);
    // B numbers, read once: ε is a constant of the step (no gradient flows to it, spec §4)
    values = t.dataSync();
  } else {
    throw new Error("smoothedCrossEntropy: epsilon must be a number, an array of numbers or a [B] tensor");
  }
  if (values.length !== batch) {
    throw new Error(`smoothedCrossEntropy: epsilon has ${values.length} values but the batch has ${batch} samples`);
  }
  const out = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const e = values[b] as number;
    if (!Number.isFinite(e) || e < 0 || e > 1) {
      throw new Error(`smoothedCrossEntropy: epsilon[${b}] = ${e} is outside [0, 1]`);
    }
    out[b] = e;
  }
  return out;
}

function planLoss(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: SmoothingValues,
  options: SmoothedCrossEntropyOptions,
): LossPlan {
  const convention = options.convention ?? "reference";
  const denominator = options.denominator ?? "targets";
  if (!CONVENTIONS.includes(convention)) {
    throw new Error(`smoothedCrossEntropy: convention must be one of ${CONVENTIONS.join(", ")}, got ${String(convention)}`);
  }
  if (!DENOMINATORS.includes(denominator)) {
    throw new Error(
      `smoothedCrossEntropy: denominator must be one of ${DENOMINATORS.join(", ")}, got ${String(denominator)}`,
    );
  }
  if (!(logits instanceof Tensor) || !(labels instanceof Tensor)) {
    throw new Error("smoothedCrossEntropy: logits and labels must be tfjs tensors");
  }
  if (logits.rank !== 3 || logits.dtype !== "float32") {
    throw new Error(`smoothedCrossEntropy: logits must be a float32 [B,T,V] tensor, got ${logits.dtype} [${logits.shape}]`);
  }
  const [batch, time, vocab] = logits.shape;
  if (labels.rank !== 2 || labels.dtype !== "int32" || labels.shape[0] !== batch || labels.shape[1] !== time) {
    throw new Error(
      `smoothedCrossEntropy: labels must be an int32 [B,T] = [${batch},${time}] tensor, got ${labels.dtype} [${labels.shape}]`,
    );
  }
  if (batch < 1 || time < 1) throw new Error(`smoothedCrossEntropy: empty batch [${logits.shape}]`);
  if (vocab < 2) throw new Error(`smoothedCrossEntropy: the vocabulary (last logits dimension) must be ≥ 2, got ${vocab}`);
  const tokens = batch * time;
  if (tokens * vocab > 2 ** 31 - 1) {
    throw new Error(
      `smoothedCrossEntropy: [${logits.shape}] has more than 2^31 logits; split the batch into micro-batches`,
    );
  }
  const eps = smoothingPerSample(epsilon, batch);

  // Labels are read to the CPU (B·T integers): the masks, counts and target positions are cheap
  // there, and an out-of-range label must be an error, not a gather from the next row.
  const y = labels.dataSync() as Int32Array;
  const targets = new Int32Array(tokens);
  const flat = new Int32Array(tokens);
  const tokenWeight = new Float32Array(tokens);
  const offWeight = new Float32Array(tokens);
  const targetWeight = new Float32Array(tokens);
  const sampleWeight = new Float32Array(batch);
  const targetCounts = new Int32Array(batch);
  let samplesWithTargets = 0;
  for (let b = 0; b < batch; b++) {
    let targetCount = 0;
    let labelCount = 0;
    for (let t = 0; t < time; t++) {
      const label = y[b * time + t] as number;
      if (label < -1 || label >= vocab || !Number.isInteger(label)) {
        throw new Error(`smoothedCrossEntropy: labels[${b}][${t}] = ${label} is outside [-1, ${vocab - 1}]`);
      }
      if (label !== -1) labelCount++;
      // spec §3.2: the logits at t predict the label at t+1; the last position predicts nothing
      const next = t + 1 < time ? (y[b * time + t + 1] as number) : -1;
      const n = b * time + t;
      targets[n] = next;
      flat[n] = n * vocab + Math.max(next, 0);
      if (next !== -1) targetCount++;
    }
    targetCounts[b] = targetCount;
    if (targetCount === 0) continue;
    samplesWithTargets++;
    const den = denominator === "targets" ? targetCount : labelCount;
    const e = eps[b] as number;
    // spec §3.1: q[y] = c + a and q[j≠y] = a, so ℓ = lse − c·z_y − a·Σ_j z_j
    const a = convention === "reference" ? e / (vocab - 1) : e / vocab;
    const c = convention === "reference" ? 1 - e - a : 1 - e;
    for (let t = 0; t < time; t++) {
      const n = b * time + t;
      if ((targets[n] as number) === -1) continue;
      tokenWeight[n] = 1 / den;
      offWeight[n] = a / den;
      targetWeight[n] = c / den;
    }
  }
  for (let b = 0; b < batch; b++) {
    if ((targetCounts[b] as number) > 0) sampleWeight[b] = 1 / samplesWithTargets;
  }
  return {
    batch,
    time,
    vocab,
    rows: { targets, flat },
    tokenWeight,
    offWeight,
    targetWeight,
    sampleWeight,
  };
}

/**
 * The loss as one custom-gradient op over the logits. Its forward pass keeps no [B,T,V] tensor
 * beyond the call; its backward pass recomputes the softmax from the saved logits (one more
 * Softmax, but a [B,T,V] buffer less held between the passes).
 */
function lossOp(plan: LossPlan, reduction: "mean" | "perSample"): (logits: Tensor3D) => Tensor {
  const { batch, time, vocab, rows } = plan;
  const tokens = batch * time;
  return customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const logits = args[0] as Tensor3D;
    const save = args[1] as GradSaveFunc;
    const z = reshape(logits, [tokens, vocab]) as Tensor2D;
    const stats = rowStats(z, rows);
    const weights = tensor2d(plan.tokenWeight, [batch, time]);
    const offWeights = tensor2d(plan.offWeight, [batch, time]);
    const targetWeights = tensor2d(plan.targetWeight, [batch, time]);
    const sampleWeights = tensor1d(plan.sampleWeight);
    // Σ_t w·ℓ_t with ℓ = lse' − c·(z_y − m) − a·Σ_j (z_j − m): every term is ≥ 0 (for c ≥ 0),
    // so nothing cancels in float32 (spec §3.1).
    const perToken = sub(
      sub(mul(reshape(stats.logSumExp, [batch, time]), weights), mul(reshape(stats.target, [batch, time]), targetWeights)),
      mul(reshape(stats.sum, [batch, time]), offWeights),
    );
    const perSample = sum(perToken, 1) as Tensor1D;
    const value = reduction === "mean" ? sum(mul(perSample, sampleWeights)) : perSample;
    save([logits, add(stats.max, stats.logSumExp), weights, offWeights, targetWeights, sampleWeights]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tidy(() => {
          const [x, lse, w, wOff, wTarget, wSample] = saved as [Tensor3D, Tensor1D, Tensor2D, Tensor2D, Tensor2D, Tensor1D];
          // the chain rule's factor per sample: d(mean)/d(perSample_b) = sampleWeight_b
          const perSampleDy = reduction === "mean" ? mul(dy, wSample) : dy;
          const column = reshape(perSampleDy, [batch, 1]);
          const scaled = (m: Tensor2D) => reshape(mul(m, column), [tokens]) as Tensor1D;
          const g = rowGrad(reshape(x, [tokens, vocab]) as Tensor2D, rows, {
            logSumExp: lse,
            scale: scaled(w),
            offScale: scaled(wOff),
            targetScale: scaled(wTarget),
          });
          return reshape(g, [batch, time, vocab]);
        }),
    };
  }) as (logits: Tensor3D) => Tensor;
}

/**
 * The per-sample label-smoothed cross-entropy of a causal LM (spec §3): for each sample, the
 * mean over its real targets of −Σ_j q_j·log softmax(z)_j, where the logits at position t
 * predict the label at t+1 (the shift is done here) and label −1 is ignored.
 *
 * Computed in closed form from a stable logsumexp in float32, ℓ = lse − c·z_y − a·Σ_j z_j
 * (reference: a = ε/(V−1), c = 1−ε−a; uniform: a = ε/V, c = 1−ε), with a custom gradient
 * (softmax − q, scaled by the normalisers). No [B,T,V] one-hot or target tensor is built.
 * ε = 0 is plain cross-entropy.
 *
 * A sample with no targets gets loss 0. Labels and ε are read to the CPU (B·T + B numbers);
 * no gradient flows to ε.
 *
 * Memory: besides the logits, each pass holds at most two more [B,T,V] float32 buffers at a
 * time (in the backward pass one of them becomes the gradient). The wasm heap is bounded
 * (4 GiB, shared with the model's activations), so callers split large batches into micro-batches.
 *
 * @param logits float32 [B,T,V].
 * @param labels int32 [B,T], −1 = ignored.
 * @param epsilon ε per sample ([B] tensor or numbers) or one ε for all, each in [0, 1].
 * @returns float32 [B].
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { smoothedCrossEntropyPerSample } from "@ual/nn";
 *
 * const logits = tf.randomNormal([2, 4, 10]) as tf.Tensor3D;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, -1, -1]], [2, 4], "int32");
 * const perSample = smoothedCrossEntropyPerSample(logits, labels, [0.1, 0.3]); // shape [2]
 * ```
 */
export function smoothedCrossEntropyPerSample(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: SmoothingValues,
  options: SmoothedCrossEntropyOptions = {},
): Tensor1D {
  const plan = planLoss(logits, labels, epsilon, options);
  return lossOp(plan, "perSample")(logits) as Tensor1D;
}

/**
 * The batch loss: the mean over samples of {@linkcode smoothedCrossEntropyPerSample}, so that
 * samples weigh the same whatever their length (the reference's micro-batch-1 semantics,
 * spec §3.2). Samples with no targets are left out of the mean; if no sample has one, the loss
 * is 0 (with a zero gradient).
 *
 * The wasm heap is bounded: callers split large batches into micro-batches (see
 * {@linkcode smoothedCrossEntropyPerSample}).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { smoothedCrossEntropy } from "@ual/nn";
 *
 * const logits = tf.variable(tf.randomNormal([2, 4, 10])) as tf.Variable<tf.Rank.R3>;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, -1, -1]], [2, 4], "int32");
 * const { value, grads } = tf.variableGrads(() => smoothedCrossEntropy(logits, labels, 0.1));
 * ```
 */
export function smoothedCrossEntropy(
  logits: Tensor3D,
  labels: Tensor2D,
  epsilon: SmoothingValues,
  options: SmoothedCrossEntropyOptions = {},
): Scalar {
  const plan = planLoss(logits, labels, epsilon, options);
  return lossOp(plan, "mean")(logits) as Scalar;
}

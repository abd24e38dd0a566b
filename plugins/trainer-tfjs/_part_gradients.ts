import * as tf from "@tensorflow/tfjs-core";
import { leanVariableGrads, smoothedCrossEntropyAndNll, type SmoothedCrossEntropyAndNllOptions } from "@ual/nn";

/** One micro-batch, padded (plain arrays, so that it can be posted to a worker thread). */
export interface Part {
  ids: Int32Array;
  labels: Int32Array;
  /** 1 = real token, 0 = padding. */
  mask: Uint8Array;
  batch: number;
  time: number;
  /** Real tokens (for tokens/s). */
  tokens: number;
  /** The position of its first sample in the optimizer step's batch (per-sample seeds). */
  offset: number;
}

/** What one micro-batch's forward and backward pass gives. */
export interface PartResult {
  /** Σ weight·loss of its samples (a share of the batch mean). */
  loss: number;
  /** Gradients by tfjs variable name; the caller disposes them. */
  grads: tf.NamedTensorMap;
  epsilon: number[];
}

/** A manifest loss stage as the loop calls it: per-sample losses, with the base model's logits when it needs them. */
export type PartLoss = (logits: tf.Tensor3D, labels: tf.Tensor2D, epsilon: number[], baseLogits?: tf.Tensor3D) => tf.Tensor1D;

/**
 * The loss and gradients of one micro-batch: forward pass, per-sample ε (given, or chosen from the
 * per-sample NLL of this very pass), the weighted smoothed cross-entropy, backward pass.
 * `loss` replaces the built-in loss (a manifest loss stage) and gets ε per sample; `baseLogits`,
 * when given, computes the base model's logits first, outside the gradient tape (ASFT's anchor).
 * `sampleWeight` is one weight for every sample, or one per sample of the part (a token-mean
 * loss weighs each sample by its share of the batch's targets).
 */
export function partGradients(
  model: { logits(inputIds: tf.Tensor2D, attentionMask?: ArrayLike<number>): tf.Tensor3D },
  variables: tf.Variable[],
  part: Part,
  epsilonOf: (meanNll: Float64Array) => number[],
  options: SmoothedCrossEntropyAndNllOptions & { sampleWeight: number | readonly number[]; needsNll: boolean },
  loss?: PartLoss,
  baseLogits?: (inputIds: tf.Tensor2D, attentionMask: ArrayLike<number>) => tf.Tensor3D,
): PartResult {
  const ids = tf.tensor2d(part.ids, [part.batch, part.time], "int32");
  const labels = tf.tensor2d(part.labels, [part.batch, part.time], "int32");
  const weights = typeof options.sampleWeight === "number" ? new Array<number>(part.batch).fill(options.sampleWeight) : [...options.sampleWeight];
  if (weights.length !== part.batch) throw new Error(`partGradients: ${weights.length} sample weights for ${part.batch} samples`);
  let epsilon: number[] = [];
  // no gradient flows to the base model's logits: computed before the tape starts
  const base = loss !== undefined && baseLogits !== undefined ? baseLogits(ids, part.mask) : undefined;
  try {
    // tf.variableGrads' values, with the backward pass's memory freed as it goes
    const { value, grads } = leanVariableGrads(() => {
      const logits = model.logits(ids, part.mask);
      if (loss !== undefined) {
        let nll: Float64Array = new Float64Array(part.batch);
        if (options.needsNll) {
          // one more pass over the same logits (no second forward pass) for the NLL
          const probe = smoothedCrossEntropyAndNll(logits, labels, 0, { ...(options.nllShift ? { nllShift: options.nllShift } : {}) });
          probe.loss.dispose();
          nll = probe.meanNll;
        }
        epsilon = epsilonOf(nll);
        return tf.sum(tf.mul(loss(logits, labels, epsilon, base), tf.tensor1d(weights))) as tf.Scalar;
      }
      const out = smoothedCrossEntropyAndNll(logits, labels, (nll) => epsilonOf(nll), {
        ...(options.convention ? { convention: options.convention } : {}),
        ...(options.denominator ? { denominator: options.denominator } : {}),
        ...(options.nllShift ? { nllShift: options.nllShift } : {}),
        sampleWeights: weights,
      });
      epsilon = Array.from(out.epsilon);
      return out.loss;
    }, variables);
    const lossValue = (value.dataSync() as Float32Array)[0] as number;
    value.dispose();
    return { loss: lossValue, grads, epsilon };
  } finally {
    tf.dispose([ids, labels, ...(base !== undefined ? [base] : [])]);
  }
}

/** Adds `next` into `sum` (both by variable name), disposing what is replaced; returns the sum. */
export function addGradients(sum: tf.NamedTensorMap | undefined, next: tf.NamedTensorMap): tf.NamedTensorMap {
  if (sum === undefined) return next;
  const out: tf.NamedTensorMap = {};
  for (const key of Object.keys(sum)) out[key] = tf.add(sum[key] as tf.Tensor, next[key] as tf.Tensor);
  tf.dispose([sum, next]);
  return out;
}

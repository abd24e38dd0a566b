import { addN, mul, type NamedTensorMap, sqrt, square, sum, type Tensor, tidy } from "@tensorflow/tfjs-core";

/** What {@linkcode clipGradNorm} did. */
export interface ClippedGradients {
  /** The gradients, scaled if their norm exceeded the limit (new tensors; the inputs are untouched). */
  grads: NamedTensorMap;
  /** The global L2 norm before clipping (NaN or Infinity if a gradient is not finite). */
  norm: number;
  clipped: boolean;
}

/**
 * Global-norm gradient clipping, as PyTorch's `clip_grad_norm_`: the L2 norm over all gradients
 * together; when it exceeds `maxNorm`, every gradient is scaled by maxNorm/(norm + 1e-6).
 * Reads one number from the backend (the norm). `maxNorm` = Infinity only measures.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { clipGradNorm } from "@ual/nn";
 *
 * const { grads, norm } = clipGradNorm({ w: tf.tensor1d([3, 4]) }, 1); // norm 5, grads.w ≈ [0.6, 0.8]
 * ```
 */
export function clipGradNorm(grads: NamedTensorMap, maxNorm: number): ClippedGradients {
  if (!(maxNorm > 0)) throw new RangeError(`clipGradNorm: maxNorm must be > 0, got ${maxNorm}`);
  const names = Object.keys(grads);
  const normTensor = tidy(() => sqrt(addN(names.map((n) => sum(square(grads[n] as Tensor))))));
  const norm = (normTensor.dataSync() as Float32Array)[0] as number;
  normTensor.dispose();
  const clipped = Number.isFinite(norm) && norm > maxNorm;
  const scale = clipped ? maxNorm / (norm + 1e-6) : 1;
  const out: NamedTensorMap = {};
  for (const n of names) out[n] = tidy(() => (clipped ? mul(grads[n] as Tensor, scale) : (grads[n] as Tensor).clone()));
  return { grads: out, norm, clipped };
}

import { add, mul, reshape, softmax, type Tensor, type Tensor3D, type Tensor4D } from "@tensorflow/tfjs-core";
import { matMulPlain, matMulTransposed } from "./mat_mul_plain.ts";

/**
 * Multi-head scaled dot-product attention, softmax(q·kᵀ/√dh + bias)·v, for q, k, v of shape
 * [B, H, T, dh] and a bias [B, 1, T, T] (`causalAttentionBias`).
 *
 * Both products are batched over B·H and go through {@linkcode matMulTransposed} and
 * {@linkcode matMulPlain}: with native matmuls each is one batched sgemm (q·kᵀ by a flag); on
 * XNNPACK each head runs on the 2-D path instead of tfjs' batched-matmul loop (the probe in
 * packages/nn/README.md: 5–9× faster for these shapes), kᵀ an explicit transpose.
 * The 1/√dh scale is applied to q ([T, dh]) rather than to the scores ([T, T]).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { causalAttentionBias, scaledDotProductAttention } from "@ual/nn";
 *
 * const [q, k, v] = [0, 1, 2].map(() => tf.randomNormal([2, 4, 16, 8]) as tf.Tensor4D);
 * const out = scaledDotProductAttention(q, k, v, causalAttentionBias(new Uint8Array(32).fill(1), 2, 16));
 * ```
 */
export function scaledDotProductAttention(q: Tensor4D, k: Tensor4D, v: Tensor4D, bias: Tensor4D): Tensor4D {
  const [batch, heads, time, dh] = q.shape;
  for (const [name, t] of [["k", k], ["v", v]] as const) {
    if (t.shape.join() !== q.shape.join()) throw new Error(`scaledDotProductAttention: ${name} [${t.shape}] must match q [${q.shape}]`);
  }
  if (bias.shape.join() !== [batch, 1, time, time].join()) {
    throw new Error(`scaledDotProductAttention: bias [${bias.shape}] must be [${batch},1,${time},${time}]`);
  }
  const g = batch * heads;
  const q3 = reshape(mul(q, 1 / Math.sqrt(dh)), [g, time, dh]) as Tensor3D;
  const scores = reshape(matMulTransposed(q3, reshape(k, [g, time, dh]) as Tensor3D), [batch, heads, time, time]);
  const probs = reshape(softmax(add(scores, bias) as Tensor), [g, time, time]) as Tensor3D;
  const out = matMulPlain(probs, reshape(v, [g, time, dh]) as Tensor3D);
  return reshape(out, [batch, heads, time, dh]) as Tensor4D;
}


import { type Tensor4D, tensor4d } from "@tensorflow/tfjs-core";

/** The additive bias that hides a position from attention (large and finite, so no row is all −∞). */
const HIDDEN = -1e9;

/**
 * The additive attention bias [B, 1, T, T] for causal self-attention with padding: query t may
 * see key s when s ≤ t and key s is a real token (`attentionMask[b][s] = 1`). A query whose row
 * would hide everything (a padding query before any real token) sees itself, so its softmax
 * stays finite; its output is never used by a loss.
 *
 * @param attentionMask 1 for real tokens, 0 for padding, [B][T] row-major.
 *
 * @example
 * ```ts
 * import { causalAttentionBias } from "@ual/nn";
 *
 * const bias = causalAttentionBias(new Uint8Array([1, 1, 0]), 1, 3); // [1, 1, 3, 3]
 * ```
 */
export function causalAttentionBias(attentionMask: ArrayLike<number>, batch: number, time: number): Tensor4D {
  if (attentionMask.length !== batch * time) {
    throw new Error(`causalAttentionBias: the mask has ${attentionMask.length} entries, expected ${batch}×${time}`);
  }
  const bias = new Float32Array(batch * time * time);
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < time; t++) {
      const row = (b * time + t) * time;
      let any = false;
      for (let s = 0; s < time; s++) {
        const visible = s <= t && (attentionMask[b * time + s] as number) !== 0;
        if (visible) any = true;
        else bias[row + s] = HIDDEN;
      }
      if (!any) bias[row + t] = 0;
    }
  }
  return tensor4d(bias, [batch, 1, time, time]);
}

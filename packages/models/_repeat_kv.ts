import { reshape, type Tensor4D, tile } from "@tensorflow/tfjs-core";

/**
 * Grouped-query attention's key/value sharing (HF's `repeat_kv`): [B, kvH, T, dh] → [B, kvH·group, T, dh],
 * query head h reading kv head ⌊h / group⌋. One tile over a rank-4 view, no per-head slicing.
 */
export function repeatKv(x: Tensor4D, group: number): Tensor4D {
  if (group === 1) return x;
  const [batch, kvHeads, time, dh] = x.shape;
  return reshape(tile(reshape(x, [batch, kvHeads, 1, time * dh]), [1, 1, group, 1]), [batch, kvHeads * group, time, dh]);
}

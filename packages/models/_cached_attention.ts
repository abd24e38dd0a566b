import { add, concat, mul, reshape, softmax, type Tensor, type Tensor2D, type Tensor3D, type Tensor4D, tensor4d, transpose } from "@tensorflow/tfjs-core";
import { matMulPlain } from "@ual/nn";
import type { KvCache } from "./causal_lm.ts";
import { repeatKv } from "./_repeat_kv.ts";

// Same value as @ual/nn's causalAttentionBias, so that a step and the training forward mask alike.
const HIDDEN = -1e9;

/**
 * The additive attention bias [B, 1, tNew, past + tNew] of an incremental step: query i (absolute
 * position pastLength + i) sees the real keys j ≤ it (`keyMask[b][j]` ≠ 0). A query with no real
 * key at all (a padding column) sees itself, as causalAttentionBias does, so its softmax stays
 * finite; nothing reads its output.
 */
export function stepAttentionBias(keyMask: readonly Uint8Array[], batch: number, time: number, pastLength: number): Tensor4D {
  const total = pastLength + time;
  const values = new Float32Array(batch * time * total);
  for (let b = 0; b < batch; b++) {
    const mask = keyMask[b] as Uint8Array;
    for (let i = 0; i < time; i++) {
      const row = (b * time + i) * total;
      let any = false;
      for (let j = 0; j < total; j++) {
        if (j <= pastLength + i && mask[j] !== 0) any = true;
        else values[row + j] = HIDDEN;
      }
      if (!any) values[row + pastLength + i] = 0;
    }
  }
  return tensor4d(values, [batch, 1, time, total]);
}

/**
 * One layer's attention in an incremental step: the new keys and values [B, kvH, tNew, dh] are
 * appended to the layer's cached ones, and the queries q [B, H, tNew, dh] attend over all of them
 * (kv heads repeated for grouped-query attention only here, so the cache stays kvH wide). The ops
 * are @ual/nn's scaledDotProductAttention's, in its order (q scaled first), so a whole sequence at
 * positions 0…T−1 gives the training forward's values. Returns the heads merged back to
 * [B·tNew, H·dh] and the layer's extended cache entries.
 */
export function cachedAttention(
  q: Tensor4D,
  kNew: Tensor4D,
  vNew: Tensor4D,
  past: KvCache | undefined,
  layer: number,
  bias: Tensor4D,
): { merged: Tensor2D; k: Tensor4D; v: Tensor4D } {
  const [batch, heads, time, dh] = q.shape;
  const pk = past?.keys[layer];
  const pv = past?.values[layer];
  const k = pk === undefined ? kNew : (concat([pk, kNew], 2) as Tensor4D);
  const v = pv === undefined ? vNew : (concat([pv, vNew], 2) as Tensor4D);
  const total = k.shape[2];
  const group = heads / k.shape[1];
  const g = batch * heads;
  const q3 = reshape(mul(q, 1 / Math.sqrt(dh)), [g, time, dh]) as Tensor3D;
  const kT = reshape(transpose(repeatKv(k, group), [0, 1, 3, 2]), [g, dh, total]) as Tensor3D;
  const scores = reshape(matMulPlain(q3, kT), [batch, heads, time, total]);
  const probs = reshape(softmax(add(scores, bias) as Tensor), [g, time, total]) as Tensor3D;
  const attended = reshape(matMulPlain(probs, reshape(repeatKv(v, group), [g, total, dh]) as Tensor3D), [batch, heads, time, dh]);
  const merged = reshape(transpose(attended, [0, 2, 1, 3]), [batch * time, heads * dh]) as Tensor2D;
  return { merged, k, v };
}

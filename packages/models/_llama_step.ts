import {
  add,
  concat,
  gather,
  mul,
  reshape,
  sigmoid,
  softmax,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type Tensor4D,
  tensor4d,
  transpose,
} from "@tensorflow/tfjs-core";
import { matMulPlain } from "@ual/nn";
import type { KvCache, StepOutput } from "./causal_lm.ts";
import type { LlamaConfig } from "./llama_config.ts";
import { repeatKv } from "./_repeat_kv.ts";
import { rmsNorm } from "./_rms_norm.ts";
import { applyRotary, rotaryTablesAt } from "./_rotary.ts";

/** What the incremental forward needs of a model built by `createLlama`. */
export interface LlamaInternals {
  readonly config: Required<LlamaConfig>;
  /** A weight by Hugging Face name. */
  weight(name: string): Tensor;
  /** The model's own linear layer `name` (`model.layers.0.self_attn.q_proj`), its LinearHook (LoRA) included. */
  project(name: string, x: Tensor2D): Tensor2D;
  /** The LM head over the final features [N, d] → [N, V]. */
  lmHead(final: Tensor2D): Tensor2D;
}

// Same value as @ual/nn's causalAttentionBias, so that the step and the training forward mask alike.
const HIDDEN = -1e9;

/**
 * The Llama forward of `createLlama` over new tokens `ids` [B, tNew] at explicit per-row
 * `positions` (RoPE at those positions), attending to `past` plus themselves; `keyMask[b][j]`
 * (j < past + tNew) hides padded keys. The cache keeps K and V at kvHeads and repeats them for
 * grouped-query attention only at use, so it is heads / kvHeads times smaller than the repeated
 * tensors. Every projection goes through `project`, so unmerged LoRA adapters apply. The ops are
 * the training forward's, in the same order, so a whole sequence at positions 0…T−1 gives its
 * logits. Intermediates are not freed here: run it inside `tidy`.
 */
export function llamaStep(model: LlamaInternals, ids: Tensor2D, positions: Int32Array, keyMask: readonly Uint8Array[], past: KvCache | undefined): StepOutput {
  const { heads, kvHeads, headDim: dh, rmsNormEpsilon: eps, ropeTheta, layers, vocabSize, dModel } = model.config;
  if (ids.rank !== 2 || ids.dtype !== "int32") throw new Error(`Llama step: ids must be an int32 [B, T] tensor, got ${ids.dtype} [${ids.shape}]`);
  const [batch, time] = ids.shape;
  const pastLength = past?.keys[0]?.shape[2] ?? 0;
  const total = pastLength + time;
  if (positions.length !== batch * time) throw new Error(`Llama step: ${positions.length} positions for ${batch}×${time} new tokens`);
  if (keyMask.length !== batch || keyMask.some((m) => m.length < total)) {
    throw new Error(`Llama step: keyMask needs ${batch} rows of at least ${total} entries (past ${pastLength} + new ${time})`);
  }
  if (past !== undefined && past.keys.length !== layers) throw new Error(`Llama step: the cache has ${past.keys.length} layers, the model ${layers}`);
  const group = heads / kvHeads;
  // Additive bias [B, 1, tNew, total]: query i (absolute pastLength + i) sees the real keys j ≤ it.
  // A query with no real key at all (a padding column) sees itself, as causalAttentionBias does,
  // so its softmax stays finite; nothing reads its output.
  const biasValues = new Float32Array(batch * time * total);
  for (let b = 0; b < batch; b++) {
    const mask = keyMask[b] as Uint8Array;
    for (let i = 0; i < time; i++) {
      const row = (b * time + i) * total;
      let any = false;
      for (let j = 0; j < total; j++) {
        if (j <= pastLength + i && mask[j] !== 0) any = true;
        else biasValues[row + j] = HIDDEN;
      }
      if (!any) biasValues[row + pastLength + i] = 0;
    }
  }
  const bias = tensor4d(biasValues, [batch, 1, time, total]);
  const { cos, sin } = rotaryTablesAt(positions, batch, time, dh, ropeTheta);
  const byHead = (x: Tensor2D, n: number): Tensor4D => transpose(reshape(x, [batch, time, n, dh]), [0, 2, 1, 3]);
  const keys: Tensor4D[] = [];
  const values: Tensor4D[] = [];
  let h: Tensor2D = gather(model.weight("model.embed_tokens.weight") as Tensor2D, reshape(ids, [batch * time]));
  for (let l = 0; l < layers; l++) {
    const p = `model.layers.${l}`;
    const a = rmsNorm(h, model.weight(`${p}.input_layernorm.weight`) as Tensor1D, eps);
    const q = applyRotary(byHead(model.project(`${p}.self_attn.q_proj`, a), heads), cos, sin);
    const kNew = applyRotary(byHead(model.project(`${p}.self_attn.k_proj`, a), kvHeads), cos, sin);
    const vNew = byHead(model.project(`${p}.self_attn.v_proj`, a), kvHeads);
    const pk = past?.keys[l];
    const pv = past?.values[l];
    const k = pk === undefined ? kNew : (concat([pk, kNew], 2) as Tensor4D);
    const v = pv === undefined ? vNew : (concat([pv, vNew], 2) as Tensor4D);
    keys.push(k);
    values.push(v);
    // scaledDotProductAttention of @ual/nn with tNew queries over `total` keys: q scaled first, as there.
    const g = batch * heads;
    const q3 = reshape(mul(q, 1 / Math.sqrt(dh)), [g, time, dh]) as Tensor3D;
    const kT = reshape(transpose(repeatKv(k, group), [0, 1, 3, 2]), [g, dh, total]) as Tensor3D;
    const scores = reshape(matMulPlain(q3, kT), [batch, heads, time, total]);
    const probs = reshape(softmax(add(scores, bias) as Tensor), [g, time, total]) as Tensor3D;
    const attended = reshape(matMulPlain(probs, reshape(repeatKv(v, group), [g, total, dh]) as Tensor3D), [batch, heads, time, dh]);
    const merged = reshape(transpose(attended, [0, 2, 1, 3]), [batch * time, heads * dh]) as Tensor2D;
    h = add(h, model.project(`${p}.self_attn.o_proj`, merged));
    const m = rmsNorm(h, model.weight(`${p}.post_attention_layernorm.weight`) as Tensor1D, eps);
    const gate = model.project(`${p}.mlp.gate_proj`, m);
    const up = model.project(`${p}.mlp.up_proj`, m);
    h = add(h, model.project(`${p}.mlp.down_proj`, mul(mul(gate, sigmoid(gate)), up)));
  }
  const final = rmsNorm(h, model.weight("model.norm.weight") as Tensor1D, eps);
  const logits = reshape(model.lmHead(final), [batch, time, vocabSize]) as Tensor3D;
  return { logits, hidden: reshape(final, [batch, time, dModel]) as Tensor3D, cache: { keys, values } };
}

import { add, gather, mul, reshape, sigmoid, type Tensor, type Tensor1D, type Tensor2D, type Tensor3D, type Tensor4D, transpose } from "@tensorflow/tfjs-core";
import type { KvCache, StepOptions, StepOutput } from "./causal_lm.ts";
import type { LlamaConfig } from "./llama_config.ts";
import { cachedAttention, stepAttentionBias } from "./_cached_attention.ts";
import { logitsAtRows } from "./_logits_at_rows.ts";
import { rmsNorm } from "./_rms_norm.ts";
import { applyRotary, ropePeriods, rotaryTablesAt } from "./_rotary.ts";

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

/**
 * The Llama forward of `createLlama` over new tokens `ids` [B, tNew] at explicit per-row
 * `positions` (RoPE at those positions), attending to `past` plus themselves; `keyMask[b][j]`
 * (j < past + tNew) hides padded keys. The cache keeps K and V at kvHeads and repeats them for
 * grouped-query attention only at use, so it is heads / kvHeads times smaller than the repeated
 * tensors. Every projection goes through `project`, so unmerged LoRA adapters apply. The ops are
 * the training forward's, in the same order, so a whole sequence at positions 0…T−1 gives its
 * logits. Intermediates are not freed here: run it inside `tidy`.
 */
export function llamaStep(model: LlamaInternals, ids: Tensor2D, positions: Int32Array, keyMask: readonly Uint8Array[], past: KvCache | undefined, options: StepOptions = {}): StepOutput {
  const { heads, kvHeads, headDim: dh, rmsNormEpsilon: eps, ropeTheta, ropeScaling, layers, vocabSize, dModel } = model.config;
  if (ids.rank !== 2 || ids.dtype !== "int32") throw new Error(`Llama step: ids must be an int32 [B, T] tensor, got ${ids.dtype} [${ids.shape}]`);
  const [batch, time] = ids.shape;
  const pastLength = past?.keys[0]?.shape[2] ?? 0;
  const total = pastLength + time;
  if (positions.length !== batch * time) throw new Error(`Llama step: ${positions.length} positions for ${batch}×${time} new tokens`);
  if (keyMask.length !== batch || keyMask.some((m) => m.length < total)) {
    throw new Error(`Llama step: keyMask needs ${batch} rows of at least ${total} entries (past ${pastLength} + new ${time})`);
  }
  if (past !== undefined && past.keys.length !== layers) throw new Error(`Llama step: the cache has ${past.keys.length} layers, the model ${layers}`);
  const bias = stepAttentionBias(keyMask, batch, time, pastLength);
  const { cos, sin } = rotaryTablesAt(positions, batch, time, ropePeriods(dh, ropeTheta, ropeScaling));
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
    const { merged, k, v } = cachedAttention(q, kNew, vNew, past, l, bias);
    keys.push(k);
    values.push(v);
    h = add(h, model.project(`${p}.self_attn.o_proj`, merged));
    const m = rmsNorm(h, model.weight(`${p}.post_attention_layernorm.weight`) as Tensor1D, eps);
    const gate = model.project(`${p}.mlp.gate_proj`, m);
    const up = model.project(`${p}.mlp.up_proj`, m);
    h = add(h, model.project(`${p}.mlp.down_proj`, mul(mul(gate, sigmoid(gate)), up)));
  }
  const final = rmsNorm(h, model.weight("model.norm.weight") as Tensor1D, eps);
  const logits = logitsAtRows(final, model.lmHead, batch, time, vocabSize, options.logitRows);
  return { logits, hidden: reshape(final, [batch, time, dModel]) as Tensor3D, cache: { keys, values } };
}

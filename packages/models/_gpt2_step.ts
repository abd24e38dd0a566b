import { add, gather, reshape, split, type Tensor, type Tensor1D, type Tensor2D, type Tensor3D, type Tensor4D, tensor1d, transpose } from "@tensorflow/tfjs-core";
import { gelu, layerNorm } from "@ual/nn";
import type { KvCache, StepOptions, StepOutput } from "./causal_lm.ts";
import type { Gpt2Model } from "./create_gpt2.ts";
import { cachedAttention, stepAttentionBias } from "./_cached_attention.ts";
import { linearTransposed } from "./_frozen_linear.ts";
import { logitsAtRows } from "./_logits_at_rows.ts";

/**
 * The GPT-2 forward of {@linkcode createGpt2} over new tokens `ids` [B, tNew] at explicit
 * positions, attending to `past` plus themselves. `keyMask[b][j]` (length past + tNew) hides padded
 * keys. Left-padded batches need per-row positions, which the training forward (positions
 * 0…T-1 for every row) does not offer — hence this separate path, with the training forward's ops in
 * its order (attention as @ual/nn's scaledDotProductAttention: q scaled first).
 * The linear layers go through `model.linear`, so attached (unmerged) LoRA adapters apply here too.
 */
export function gpt2Step(model: Gpt2Model, ids: Tensor2D, positions: Int32Array, keyMask: readonly Uint8Array[], past: KvCache | undefined, options: StepOptions = {}): StepOutput {
  const { dModel: d, heads, layerNormEpsilon: lnEps, vocabSize } = model.config;
  const dh = d / heads;
  const [batch, time] = ids.shape;
  const pastLength = past?.keys[0]?.shape[2] ?? 0;
  const w = <T extends Tensor>(name: string): T => {
    const found = model.variables.get(name);
    if (found === undefined) throw new Error(`GPT-2: no weight ${name}`);
    return found as Tensor as T;
  };
  const keys: Tensor4D[] = [];
  const values: Tensor4D[] = [];
  const bias = stepAttentionBias(keyMask, batch, time, pastLength);
  const wte = w<Tensor2D>("transformer.wte.weight");
  const tokens = gather(wte, reshape(ids, [batch * time]));
  const positionEmbeddings = gather(w<Tensor2D>("transformer.wpe.weight"), tensor1d(positions, "int32"));
  let h: Tensor2D = add(tokens, positionEmbeddings);
  for (let l = 0; l < model.config.layers; l++) {
    const p = `transformer.h.${l}`;
    const a = layerNorm(h, w<Tensor1D>(`${p}.ln_1.weight`), w<Tensor1D>(`${p}.ln_1.bias`), lnEps);
    const qkv = model.linear(`${p}.attn.c_attn`, a);
    const byHead = transpose(reshape(qkv, [batch, time, 3 * heads, dh]), [0, 2, 1, 3]);
    const [q, kNew, vNew] = split(byHead, 3, 1) as [Tensor4D, Tensor4D, Tensor4D];
    const { merged, k, v } = cachedAttention(q, kNew, vNew, past, l, bias);
    keys.push(k);
    values.push(v);
    h = add(h, model.linear(`${p}.attn.c_proj`, merged));
    const m = layerNorm(h, w<Tensor1D>(`${p}.ln_2.weight`), w<Tensor1D>(`${p}.ln_2.bias`), lnEps);
    const up = gelu(model.linear(`${p}.mlp.c_fc`, m));
    h = add(h, model.linear(`${p}.mlp.c_proj`, up));
  }
  const final = layerNorm(h, w<Tensor1D>("transformer.ln_f.weight"), w<Tensor1D>("transformer.ln_f.bias"), lnEps);
  const logits = logitsAtRows(final, (x) => linearTransposed(x, wte), batch, time, vocabSize, options.logitRows);
  return { logits, hidden: reshape(final, [batch, time, d]) as Tensor3D, cache: { keys, values } };
}

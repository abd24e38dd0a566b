import {
  gather,
  mul,
  reshape,
  sigmoid,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor3D,
  type Tensor4D,
  tensor,
  tidy,
  transpose,
  type Variable,
  variable,
  zeros,
  add,
} from "@tensorflow/tfjs-core";
import { causalAttentionBias, createRng, scaledDotProductAttention } from "@ual/nn";
import { type LlamaConfig, llamaWeightShapes, resolveLlamaConfig } from "./llama_config.ts";
import type { KvCache, StepOptions, StepOutput } from "./causal_lm.ts";
import { linearTransposed } from "./_frozen_linear.ts";
import { llamaStep } from "./_llama_step.ts";
import { repeatKv } from "./_repeat_kv.ts";
import { rmsNorm } from "./_rms_norm.ts";
import { applyRotary, ropePeriods, rotaryTables } from "./_rotary.ts";
import { tidyStep } from "./_tidy_step.ts";

/**
 * A weight's replacement in the forward pass: given the layer input x [N, in] and the frozen
 * weight's own product x·Wᵀ [N, out], returns the layer output. LoRA adapters plug in here.
 */
export type LinearHook = (name: string, x: Tensor2D, base: Tensor2D) => Tensor2D;

/** A Llama-family decoder-only transformer whose weights are tfjs variables named as Hugging Face's. */
export interface LlamaModel {
  readonly config: Required<LlamaConfig>;
  /**
   * The weights by Hugging Face `LlamaForCausalLM` state-dict name (`model.layers.0.self_attn.q_proj.weight`,
   * …). Linear weights are stored [out, in], as PyTorch's `nn.Linear`.
   */
  readonly variables: ReadonlyMap<string, Variable>;
  /**
   * Logits [B, T, V] for int32 ids [B, T]. `attentionMask` (B·T numbers, 1 = real token,
   * 0 = padding) hides padded keys; positions count from 0 in every row.
   */
  logits(inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D;
  /**
   * The incremental forward: new ids [B, tNew] at explicit per-row `positions` (B·tNew, RoPE at
   * those positions), attending to the `past` cache plus themselves, `keyMask[b]` (≥ past + tNew
   * entries, 1 = real) hiding padded keys. Returns logits [B, tNew, V], the final RMSNorm's output
   * [B, tNew, dModel] and the cache extended by the new tokens (K/V at kvHeads). Goes through the
   * linear hook, so unmerged LoRA adapters apply. Used by `generate` for left-padded, cached decoding.
   */
  step(ids: Tensor2D, positions: Int32Array, keyMask: readonly Uint8Array[], past: KvCache | undefined, options?: StepOptions): StepOutput;
  /** Routes every linear layer through `hook` (or back to plain products with `undefined`). */
  setLinearHook(hook: LinearHook | undefined): void;
  /** Frees the weights. */
  dispose(): void;
}

/** Options of {@linkcode createLlama}. */
export interface CreateLlamaOptions {
  /** Seeds the initial weights (drawn in JavaScript, so the same on every backend). Default 1337. */
  seed?: number;
  /**
   * `"random"` (default): N(0, initStd) weights and unit RMSNorm gains, as HF initialises.
   * `"zeros"`: no draws at all, for a model whose weights are about to be loaded.
   */
  init?: "random" | "zeros";
  /** Whether the weights are trainable variables (default true; false when LoRA freezes them). */
  trainable?: boolean;
}

/**
 * Builds a Llama-family model — RMSNorm pre-norm blocks, rotary positions with the config's θ,
 * grouped-query attention (each key/value head shared by heads / kvHeads query heads), a SwiGLU
 * MLP (down(silu(gate(x)) · up(x))), a tied or separate LM head — as plain tfjs-core ops over
 * named variables, so that Hugging Face Llama, Mistral and Qwen2 checkpoints map onto it name for name.
 *
 * Every product is a flag-free 2-D matmul with an explicit transpose of the [out, in] weight,
 * the form that takes XNNPACK's fast path on wasm (see `matMulPlain` in `@ual/nn`).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { createLlama } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 259, dModel: 64, ffnDim: 128, layers: 2, heads: 4, kvHeads: 2 });
 * const logits = model.logits(tf.tensor2d([[256, 72, 105]], [1, 3], "int32")); // [1, 3, 259]
 * ```
 */
export function createLlama(config: LlamaConfig, options: CreateLlamaOptions = {}): LlamaModel {
  const full = resolveLlamaConfig(config);
  const rng = createRng(options.seed ?? 1337);
  const random = (options.init ?? "random") === "random";
  const trainable = options.trainable ?? true;
  const variables = new Map<string, Variable>();
  for (const [name, shape] of llamaWeightShapes(full)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let initial: Tensor;
    if (random) {
      const values = new Float32Array(size);
      if (name.endsWith("layernorm.weight") || name === "model.norm.weight") values.fill(1);
      else if (!name.endsWith(".bias")) for (let i = 0; i < size; i++) values[i] = full.initStd * rng.normal();
      initial = tensor(values, shape);
    } else initial = zeros(shape);
    variables.set(name, variable(initial, trainable));
    // A variable shares its initial tensor's buffer; without this the buffer would outlive the
    // first assign() (a load), and the model would hold its weights twice.
    initial.dispose();
  }
  const w = (name: string): Tensor => {
    const found = variables.get(name);
    if (found === undefined) throw new Error(`Llama: no weight ${name}`);
    return found;
  };
  let hook: LinearHook | undefined;
  // x [N, in] · Wᵀ (+ b)
  const project = (name: string, x: Tensor2D): Tensor2D => {
    let y = linearTransposed(x, w(`${name}.weight`) as Variable);
    if (variables.has(`${name}.bias`)) y = add(y, w(`${name}.bias`));
    return hook === undefined ? y : hook(name, x, y);
  };
  const { heads, kvHeads, headDim: dh, rmsNormEpsilon: eps, contextLength } = full;
  const periods = ropePeriods(dh, full.ropeTheta, full.ropeScaling);
  const group = heads / kvHeads;

  const byHead = (x: Tensor2D, batch: number, time: number, n: number): Tensor4D =>
    transpose(reshape(x, [batch, time, n, dh]), [0, 2, 1, 3]);
  const headName = full.tieWordEmbeddings ? "model.embed_tokens.weight" : "lm_head.weight";
  // Not routed through the hook: LoRA adapts the decoder's linear layers, not the head.
  const lmHead = (final: Tensor2D): Tensor2D => linearTransposed(final, w(headName) as Variable);

  const logits = (inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D =>
    tidy(() => {
      if (inputIds.rank !== 2 || inputIds.dtype !== "int32") throw new Error(`Llama: input ids must be an int32 [B, T] tensor, got ${inputIds.dtype} [${inputIds.shape}]`);
      const [batch, time] = inputIds.shape;
      if (time > contextLength) throw new Error(`Llama: ${time} tokens exceed the context length ${contextLength}`);
      const bias = causalAttentionBias(attentionMask ?? new Uint8Array(batch * time).fill(1), batch, time);
      const { cos, sin } = rotaryTables(time, periods);
      const embed = w("model.embed_tokens.weight") as Tensor2D;
      let h: Tensor2D = gather(embed, reshape(inputIds, [batch * time]));
      for (let i = 0; i < full.layers; i++) {
        const p = `model.layers.${i}`;
        const input = h;
        // A tidy per block: what a training step's tape does not save (it keeps its own
        // references) is freed block by block, instead of all blocks' intermediates at the end.
        h = tidy(() => {
          const a = rmsNorm(input, w(`${p}.input_layernorm.weight`) as Tensor1D, eps);
          const q = applyRotary(byHead(project(`${p}.self_attn.q_proj`, a), batch, time, heads), cos, sin);
          const k = applyRotary(byHead(project(`${p}.self_attn.k_proj`, a), batch, time, kvHeads), cos, sin);
          const v = byHead(project(`${p}.self_attn.v_proj`, a), batch, time, kvHeads);
          const attended = scaledDotProductAttention(q, repeatKv(k, group), repeatKv(v, group), bias);
          const merged = reshape(transpose(attended, [0, 2, 1, 3]), [batch * time, heads * dh]) as Tensor2D;
          const mid = add(input, project(`${p}.self_attn.o_proj`, merged)) as Tensor2D;
          const m = rmsNorm(mid, w(`${p}.post_attention_layernorm.weight`) as Tensor1D, eps);
          const gate = project(`${p}.mlp.gate_proj`, m);
          const up = project(`${p}.mlp.up_proj`, m);
          return add(mid, project(`${p}.mlp.down_proj`, mul(mul(gate, sigmoid(gate)), up))) as Tensor2D;
        });
      }
      const final = rmsNorm(h, w("model.norm.weight") as Tensor1D, eps);
      return reshape(lmHead(final), [batch, time, full.vocabSize]) as Tensor3D;
    });

  return {
    config: full,
    variables,
    logits,
    step: (ids, positions, keyMask, past, options) => tidyStep(() => llamaStep({ config: full, weight: w, project, lmHead }, ids, positions, keyMask, past, options)),
    setLinearHook(next) {
      hook = next;
    },
    dispose() {
      for (const v of variables.values()) v.dispose();
      variables.clear();
    },
  };
}

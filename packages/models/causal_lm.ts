import type { Tensor2D, Tensor3D, Tensor4D, Variable } from "@tensorflow/tfjs-core";
import { gpt2Step } from "./_gpt2_step.ts";
import { tidyStep } from "./_tidy_step.ts";
import type { Gpt2Model } from "./create_gpt2.ts";
import type { LlamaModel } from "./create_llama.ts";

/** Keys and values of every layer so far, [B, kvHeads, T, dh] each (kvHeads = heads for GPT-2). */
export interface KvCache {
  keys: Tensor4D[];
  values: Tensor4D[];
}

/** What one incremental forward step returns; every tensor is the caller's to dispose. */
export interface StepOutput {
  /** [B, tNew, V] logits. */
  logits: Tensor3D;
  /** [B, tNew, dModel] features after the final norm (LayerNorm or RMSNorm), i.e. what the LM head sees. */
  hidden: Tensor3D;
  /** The cache extended by the new tokens. */
  cache: KvCache;
}

/** Options of a {@linkcode CausalLm.step}. */
export interface StepOptions {
  /**
   * Compute logits only at these rows of the new tokens, flattened (b·tNew + t), in this order:
   * `logits` is then [1, rows.length, V]. The LM head is the largest product of a small model,
   * and scoring and generation read a few rows (an empty list computes none: features only).
   */
  logitRows?: Int32Array;
}

/** Frees a cache's tensors (a no-op for `undefined`). */
export function disposeKvCache(cache: KvCache | undefined): void {
  if (cache === undefined) return;
  for (const t of [...cache.keys, ...cache.values]) t.dispose();
}

/** The shape every family shares: what generation, scoring and features need to know. */
export interface CausalLmConfig {
  /** Logit width. */
  readonly vocabSize: number;
  /** Longest sequence. */
  readonly contextLength: number;
  /** Width of the residual stream and of the final hidden states (`n_embd`, `hidden_size`). */
  readonly dModel: number;
}

/**
 * A decoder-only language model of any family the zoo builds, as generation, scoring and feature
 * extraction see it: a training forward, an incremental forward with a KV cache, and its weights.
 */
export interface CausalLm {
  readonly family: "gpt2" | "llama";
  readonly config: CausalLmConfig;
  /** The weights by Hugging Face state-dict name. */
  readonly variables: ReadonlyMap<string, Variable>;
  /**
   * Logits [B, T, V] for int32 ids [B, T]; `attentionMask` (B·T numbers, 0 = padding) hides padded
   * keys. Positions count from 0 in every row, so pad on the right here.
   */
  logits(inputIds: Tensor2D, attentionMask?: ArrayLike<number>): Tensor3D;
  /**
   * The forward over new tokens `ids` [B, tNew] at explicit `positions` (B·tNew, row-major),
   * attending to `past` plus themselves; `keyMask[b]` (at least past + tNew long, 1 = real) hides
   * padded keys. Left-padded batches give each row its own positions. Intermediates are freed;
   * the outputs, including the new cache, are the caller's.
   */
  step(ids: Tensor2D, positions: Int32Array, keyMask: readonly Uint8Array[], past: KvCache | undefined, options?: StepOptions): StepOutput;
  /** Frees the weights. */
  dispose(): void;
}

/** What {@linkcode generate}, {@linkcode scoreContinuations} and {@linkcode finalHiddenStates} accept. */
export type CausalLmLike = CausalLm | Gpt2Model | LlamaModel;

function isCausalLm(model: CausalLmLike): model is CausalLm {
  return "family" in model && typeof (model as Partial<CausalLm>).step === "function";
}

/**
 * The family-generic view of a model built by {@linkcode createGpt2} or {@linkcode createLlama}
 * (or loaded by `loadHfModel`); a {@linkcode CausalLm} is returned as is. The view shares the
 * model's weights: disposing either frees both.
 *
 * @example
 * ```ts
 * import { causalLm, createLlama } from "@ual/models";
 *
 * const lm = causalLm(createLlama({ vocabSize: 259, dModel: 64, ffnDim: 128, layers: 2, heads: 4, kvHeads: 2 }));
 * lm.family; // "llama"
 * lm.config.dModel; // 64
 * ```
 */
export function causalLm(model: CausalLmLike): CausalLm {
  if (isCausalLm(model)) return model;
  // The configs tell the families apart: only Llama's has a RoPE base.
  if ("ropeTheta" in model.config) {
    const llama = model as LlamaModel;
    return { family: "llama", config: llama.config, variables: llama.variables, logits: llama.logits, step: llama.step, dispose: () => llama.dispose() };
  }
  const gpt2 = model as Gpt2Model;
  return {
    family: "gpt2",
    config: gpt2.config,
    variables: gpt2.variables,
    logits: gpt2.logits,
    step: (ids, positions, keyMask, past, options) => tidyStep(() => gpt2Step(gpt2, ids, positions, keyMask, past, options)),
    dispose: () => gpt2.dispose(),
  };
}

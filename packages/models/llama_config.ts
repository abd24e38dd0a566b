import { hfArchitecture, type HfLlamaSpec, type HfRope, hfModelSpec, LLAMA_ARCHITECTURES } from "./hf_model_spec.ts";

/**
 * A scaled RoPE: `linear` divides every frequency by `factor` (position interpolation); `llama3`
 * (Llama 3.1 / 3.2) divides the long wavelengths by it, keeps the short ones and interpolates the
 * band between (its four numbers are `rope_scaling`'s).
 */
export type RopeScaling =
  | { type: "linear"; factor: number }
  | { type: "llama3"; factor: number; lowFreqFactor: number; highFreqFactor: number; originalMaxPositionEmbeddings: number };

/** The shape of a Llama-family model (Hugging Face `LlamaConfig` names in the comments). */
export interface LlamaConfig {
  /** Logit width and embedding rows (`vocab_size`). */
  vocabSize: number;
  /** Width of the residual stream (`hidden_size`). */
  dModel: number;
  /** Hidden width of the SwiGLU MLP (`intermediate_size`). */
  ffnDim: number;
  /** Decoder layers (`num_hidden_layers`). */
  layers: number;
  /** Query heads (`num_attention_heads`). */
  heads: number;
  /** Key/value heads (`num_key_value_heads`); must divide `heads`. Default `heads` (no grouping). */
  kvHeads?: number;
  /** Width of one head (`head_dim`); default dModel / heads. */
  headDim?: number;
  /** Longest sequence (`max_position_embeddings`); default 2048. */
  contextLength?: number;
  /** RMSNorm ε (`rms_norm_eps`); default 1e-6. */
  rmsNormEpsilon?: number;
  /** RoPE base (`rope_theta`); default 10000. */
  ropeTheta?: number;
  /** RoPE scaling (`rope_scaling` / `rope_parameters` of type `linear` or `llama3`); default null: plain RoPE. */
  ropeScaling?: RopeScaling | null;
  /** Whether the LM head is the embedding table (`tie_word_embeddings`); default false. */
  tieWordEmbeddings?: boolean;
  /** Whether q, k and v projections have biases (`attention_bias`; always true for Qwen2). Default false. */
  attentionBias?: boolean;
  /** Standard deviation of the initial weights (`initializer_range`); default 0.02. */
  initStd?: number;
}


/**
 * Checks a config and fills in its defaults, with errors that say which field is wrong.
 *
 * @example
 * ```ts
 * import { resolveLlamaConfig } from "@ual/models";
 *
 * resolveLlamaConfig({ vocabSize: 32, dModel: 16, ffnDim: 32, layers: 2, heads: 4, kvHeads: 2 }).headDim; // 4
 * ```
 */
export function resolveLlamaConfig(config: LlamaConfig): Required<LlamaConfig> {
  const full: Required<LlamaConfig> = {
    kvHeads: config.heads,
    headDim: Math.floor(config.dModel / config.heads),
    contextLength: 2048,
    rmsNormEpsilon: 1e-6,
    ropeTheta: 10000,
    ropeScaling: null,
    tieWordEmbeddings: false,
    attentionBias: false,
    initStd: 0.02,
    ...config,
  };
  for (const key of ["vocabSize", "dModel", "ffnDim", "layers", "heads", "kvHeads", "headDim", "contextLength"] as const) {
    const value = full[key];
    if (!Number.isInteger(value) || value < 1) throw new Error(`Llama config: ${key} must be a positive integer, got ${value}`);
  }
  if (full.heads % full.kvHeads !== 0) throw new Error(`Llama config: kvHeads (${full.kvHeads}) must divide heads (${full.heads})`);
  // RoPE rotates pairs (i, i + dh/2), so a head needs an even width.
  if (full.headDim % 2 !== 0) throw new Error(`Llama config: headDim must be even for RoPE, got ${full.headDim}`);
  if (!(full.rmsNormEpsilon > 0)) throw new Error("Llama config: rmsNormEpsilon must be > 0");
  if (!(full.ropeTheta > 0)) throw new Error("Llama config: ropeTheta must be > 0");
  const scaling = full.ropeScaling;
  if (scaling !== null) {
    if (!(scaling.factor > 0)) throw new Error("Llama config: ropeScaling.factor must be > 0");
    if (scaling.type === "llama3" && !(scaling.highFreqFactor > scaling.lowFreqFactor && scaling.lowFreqFactor > 0 && scaling.originalMaxPositionEmbeddings > 0)) {
      throw new Error("Llama config: llama3 ropeScaling needs highFreqFactor > lowFreqFactor > 0 and originalMaxPositionEmbeddings > 0");
    }
  }
  if (!(full.initStd > 0)) throw new Error("Llama config: initStd must be > 0");
  return full;
}

function ropeScalingOf(rope: HfRope): RopeScaling | null {
  if (rope.type === "linear") return { type: "linear", factor: rope.factor as number };
  if (rope.type === "llama3") {
    return { type: "llama3", factor: rope.factor as number, lowFreqFactor: rope.lowFreqFactor as number, highFreqFactor: rope.highFreqFactor as number, originalMaxPositionEmbeddings: rope.originalMaxPositionEmbeddings as number };
  }
  return null;
}

/**
 * Reads a Hugging Face `config.json` of a Llama, Mistral or Qwen2 model (through `hfModelSpec`,
 * the one reader of a config, which refuses by name what no UAL model computes): plain RoPE or its
 * `linear` and `llama3` scalings (Llama 3.1 / 3.2), in `rope_scaling` or transformers 5's
 * `rope_parameters`. Mistral's sliding window is honoured by capping `contextLength` at it: over
 * at most W tokens, full causal attention is the windowed one.
 *
 * @example
 * ```ts
 * import { llamaConfigFromHf } from "@ual/models";
 *
 * const config = llamaConfigFromHf({
 *   architectures: ["LlamaForCausalLM"], vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008,
 *   num_hidden_layers: 32, num_attention_heads: 32, rms_norm_eps: 1e-5,
 * });
 * ```
 */
export function llamaConfigFromHf(json: Record<string, unknown>, where = "config.json"): Required<LlamaConfig> {
  const architecture = hfArchitecture(json);
  if (!(LLAMA_ARCHITECTURES as readonly string[]).includes(architecture)) throw new Error(`${where}: architecture ${architecture} is not a Llama-family one (${LLAMA_ARCHITECTURES.join(", ")})`);
  const spec = hfModelSpec(json, where) as HfLlamaSpec;
  const config: LlamaConfig = {
    vocabSize: spec.vocab,
    dModel: spec.hidden,
    ffnDim: spec.ffn,
    layers: spec.layers,
    heads: spec.heads,
    kvHeads: spec.kvHeads,
    headDim: spec.headDim,
    contextLength: spec.slidingWindow === null ? spec.context : Math.min(spec.context, spec.slidingWindow),
    rmsNormEpsilon: spec.normEps,
    ropeTheta: spec.rope.theta,
    ropeScaling: ropeScalingOf(spec.rope),
    tieWordEmbeddings: spec.tied,
    attentionBias: spec.attentionBias,
  };
  if (typeof json.initializer_range === "number") config.initStd = json.initializer_range;
  return resolveLlamaConfig(config);
}

/**
 * The config as a Hugging Face `config.json` object, so that a saved model loads in PyTorch tooling.
 *
 * @example
 * ```ts
 * import { llamaConfigToHf } from "@ual/models";
 *
 * llamaConfigToHf({ vocabSize: 32, dModel: 16, ffnDim: 32, layers: 2, heads: 4 }).model_type; // "llama"
 * ```
 */
export function llamaConfigToHf(config: LlamaConfig): Record<string, unknown> {
  const c = resolveLlamaConfig(config);
  return {
    architectures: ["LlamaForCausalLM"],
    model_type: "llama",
    vocab_size: c.vocabSize,
    hidden_size: c.dModel,
    intermediate_size: c.ffnDim,
    num_hidden_layers: c.layers,
    num_attention_heads: c.heads,
    num_key_value_heads: c.kvHeads,
    head_dim: c.headDim,
    max_position_embeddings: c.contextLength,
    rms_norm_eps: c.rmsNormEpsilon,
    rope_theta: c.ropeTheta,
    rope_scaling: c.ropeScaling === null ? null
      : c.ropeScaling.type === "linear" ? { rope_type: "linear", factor: c.ropeScaling.factor }
      : { rope_type: "llama3", factor: c.ropeScaling.factor, low_freq_factor: c.ropeScaling.lowFreqFactor, high_freq_factor: c.ropeScaling.highFreqFactor, original_max_position_embeddings: c.ropeScaling.originalMaxPositionEmbeddings },
    tie_word_embeddings: c.tieWordEmbeddings,
    attention_bias: c.attentionBias,
    hidden_act: "silu",
    initializer_range: c.initStd,
    torch_dtype: "float32",
  };
}

/**
 * The Hugging Face names and shapes of every weight, in a fixed order. Linear weights are
 * [out, in], as PyTorch's `nn.Linear` stores them.
 *
 * @example
 * ```ts
 * import { llamaWeightShapes } from "@ual/models";
 *
 * llamaWeightShapes({ vocabSize: 32, dModel: 16, ffnDim: 32, layers: 1, heads: 4, kvHeads: 2 })[2];
 * // ["model.layers.0.self_attn.k_proj.weight", [8, 16]]
 * ```
 */
export function llamaWeightShapes(config: LlamaConfig): Array<[string, number[]]> {
  const c = resolveLlamaConfig(config);
  const { vocabSize: v, dModel: d, ffnDim: f, heads, kvHeads, headDim: dh } = c;
  const shapes: Array<[string, number[]]> = [["model.embed_tokens.weight", [v, d]]];
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}`;
    shapes.push([`${p}.input_layernorm.weight`, [d]], [`${p}.self_attn.q_proj.weight`, [heads * dh, d]]);
    if (c.attentionBias) shapes.push([`${p}.self_attn.q_proj.bias`, [heads * dh]]);
    shapes.push([`${p}.self_attn.k_proj.weight`, [kvHeads * dh, d]]);
    if (c.attentionBias) shapes.push([`${p}.self_attn.k_proj.bias`, [kvHeads * dh]]);
    shapes.push([`${p}.self_attn.v_proj.weight`, [kvHeads * dh, d]]);
    if (c.attentionBias) shapes.push([`${p}.self_attn.v_proj.bias`, [kvHeads * dh]]);
    shapes.push(
      [`${p}.self_attn.o_proj.weight`, [d, heads * dh]],
      [`${p}.post_attention_layernorm.weight`, [d]],
      [`${p}.mlp.gate_proj.weight`, [f, d]],
      [`${p}.mlp.up_proj.weight`, [f, d]],
      [`${p}.mlp.down_proj.weight`, [d, f]],
    );
  }
  shapes.push(["model.norm.weight", [d]]);
  if (!c.tieWordEmbeddings) shapes.push(["lm_head.weight", [v, d]]);
  return shapes;
}

/**
 * The model's parameter count (a tied head counted once).
 *
 * @example
 * ```ts
 * import { llamaParameterCount } from "@ual/models";
 *
 * llamaParameterCount({ vocabSize: 32000, dModel: 4096, ffnDim: 11008, layers: 32, heads: 32 }); // 6738415616
 * ```
 */
export function llamaParameterCount(config: LlamaConfig): number {
  return llamaWeightShapes(config).reduce((total, [, shape]) => total + shape.reduce((a, b) => a * b, 1), 0);
}

import { type Gpt2Config, resolveGpt2Config } from "./gpt2_config.ts";
import { hfArchitecture, type HfGpt2Spec, hfModelSpec } from "./hf_model_spec.ts";

/**
 * Reads a Hugging Face `config.json` of a `GPT2LMHeadModel` (through `hfModelSpec`, the one
 * reader of a config). An activation other than GELU's tanh approximation is an error, since that
 * is the only one the model computes.
 *
 * @example
 * ```ts
 * import { gpt2ConfigFromHf } from "@ual/models";
 *
 * gpt2ConfigFromHf({ architectures: ["GPT2LMHeadModel"], vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 });
 * ```
 */
export function gpt2ConfigFromHf(json: Record<string, unknown>, where = "config.json"): Required<Gpt2Config> {
  const architecture = hfArchitecture(json);
  if (architecture !== "GPT2LMHeadModel") throw new Error(`${where}: architecture ${architecture} is not GPT2LMHeadModel`);
  const spec = hfModelSpec(json, where) as HfGpt2Spec;
  const config: Gpt2Config = { vocabSize: spec.vocab, contextLength: spec.context, dModel: spec.hidden, layers: spec.layers, heads: spec.heads, layerNormEpsilon: spec.normEps };
  if (typeof json.initializer_range === "number") config.initStd = json.initializer_range;
  return resolveGpt2Config(config);
}

/**
 * The config as a Hugging Face `config.json` object.
 *
 * @example
 * ```ts
 * import { GPT2_PRESETS, gpt2ConfigToHf } from "@ual/models";
 *
 * gpt2ConfigToHf({ ...GPT2_PRESETS.tiny, vocabSize: 259 }).n_embd; // 128
 * ```
 */
export function gpt2ConfigToHf(config: Gpt2Config): Record<string, unknown> {
  const c = resolveGpt2Config(config);
  return {
    architectures: ["GPT2LMHeadModel"],
    model_type: "gpt2",
    vocab_size: c.vocabSize,
    n_positions: c.contextLength,
    n_ctx: c.contextLength,
    n_embd: c.dModel,
    n_layer: c.layers,
    n_head: c.heads,
    layer_norm_epsilon: c.layerNormEpsilon,
    initializer_range: c.initStd,
    activation_function: "gelu_new",
    tie_word_embeddings: true,
    torch_dtype: "float32",
  };
}

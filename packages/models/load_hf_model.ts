import { access } from "node:fs/promises";
import { join } from "node:path";
import { createGpt2, type Gpt2Model } from "./create_gpt2.ts";
import { createLlama, type LlamaModel } from "./create_llama.ts";
import { gpt2ConfigFromHf } from "./gpt2_hf_config.ts";
import { loadHfTokenizer } from "./hf_tokenizer.ts";
import { hfModelSpec } from "./hf_model_spec.ts";
import { llamaConfigFromHf } from "./llama_config.ts";
import { loadHfWeights } from "./load_hf_weights.ts";
import { chatTemplateOf, readJsonIfPresent, tokenText } from "./_tokenizer_config.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** A model read from a Hugging Face folder, by family. */
export type HfCausalLm = { readonly family: "gpt2"; readonly model: Gpt2Model } | { readonly family: "llama"; readonly model: LlamaModel };

/** What {@linkcode loadHfModel} returns. */
export type LoadedHfModel = HfCausalLm & {
  /** The folder. */
  readonly path: string;
  /** `config.json` as read. */
  readonly hfConfig: Readonly<Record<string, unknown>>;
  /** From `tokenizer.json`, when the folder has one. */
  readonly tokenizer: Tokenizer | undefined;
  /** `tokenizer_config.json`'s `chat_template`, when there is one (render it with `renderHfChatTemplate`). */
  readonly chatTemplate: string | undefined;
  /** `tokenizer_config.json`'s `bos_token` and `eos_token` texts, for the chat template. */
  readonly specialTokens: { readonly bos: string; readonly eos: string };
};

/** Options of {@linkcode loadHfModel}. */
export interface LoadHfModelOptions {
  /** Whether the weights are trainable variables. Default true; false when LoRA freezes them. */
  trainable?: boolean;
  /** Stops between tensors when aborted. */
  signal?: AbortSignal;
}

// Buffers in Hugging Face files that are not weights (causal masks, RoPE frequency tables).
const GPT2_BUFFER = /(^|\.)attn\.(masked_)?bias$/;
const LLAMA_BUFFER = /\.rotary_emb\.inv_freq$/;

/**
 * Loads a Hugging Face model folder as downloaded from the hub — `config.json`, the weights as
 * `model.safetensors` or shards with `model.safetensors.index.json`, and, when present,
 * `tokenizer.json` and `tokenizer_config.json` (special tokens, `chat_template`). GPT-2
 * (`GPT2LMHeadModel`) and the Llama family (`LlamaForCausalLM`, `MistralForCausalLM`,
 * `Qwen2ForCausalLM`) are understood; any other architecture is an error naming it. The weights
 * are read tensor by tensor and F16/BF16 are widened to float32 (see {@linkcode loadHfWeights}).
 * Nothing is downloaded.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { loadHfModel } from "@ual/models";
 *
 * const { model, tokenizer } = await loadHfModel("models/TinyLlama-1.1B");
 * const ids = tokenizer!.encode("Hello");
 * const logits = model.logits(tf.tensor2d([ids], [1, ids.length], "int32"));
 * ```
 */
export async function loadHfModel(path: string, options: LoadHfModelOptions = {}): Promise<LoadedHfModel> {
  const configPath = join(path, "config.json");
  const hfConfig = await readJsonIfPresent(configPath);
  if (hfConfig === undefined) throw new Error(`${path}: no config.json; expected a Hugging Face model folder`);
  // the one reading of a config (an unsupported architecture or setting names its key here)
  const spec = hfModelSpec(hfConfig, configPath);
  const trainable = options.trainable ?? true;
  let loaded: HfCausalLm;
  if (spec.family === "gpt2") {
    const model = createGpt2(gpt2ConfigFromHf(hfConfig, configPath), { init: "zeros" });
    if (!trainable) for (const v of model.variables.values()) v.trainable = false;
    try {
      await loadHfWeights(model.variables, path, {
        signal: options.signal,
        // Official GPT-2 files drop the `transformer.` prefix; the head duplicates the tied embedding.
        rename: (name) => (GPT2_BUFFER.test(name) || name === "lm_head.weight" ? undefined : name.startsWith("transformer.") ? name : `transformer.${name}`),
      });
    } catch (error) {
      model.dispose();
      throw error;
    }
    loaded = { family: "gpt2", model };
  } else {
    const config = llamaConfigFromHf(hfConfig, configPath);
    const model = createLlama(config, { init: "zeros", trainable });
    try {
      await loadHfWeights(model.variables, path, {
        signal: options.signal,
        rename: (name) => (LLAMA_BUFFER.test(name) || (config.tieWordEmbeddings && name === "lm_head.weight") ? undefined : name),
      });
    } catch (error) {
      model.dispose();
      throw error;
    }
    loaded = { family: "llama", model };
  }
  const tokenizerConfig = (await readJsonIfPresent(join(path, "tokenizer_config.json"))) ?? {};
  const tokenizerPath = join(path, "tokenizer.json");
  const hasTokenizer = await access(tokenizerPath).then(() => true, () => false);
  return {
    ...loaded,
    path,
    hfConfig,
    tokenizer: hasTokenizer ? await loadHfTokenizer(tokenizerPath) : undefined,
    chatTemplate: chatTemplateOf(tokenizerConfig)?.chatTemplate,
    specialTokens: { bos: tokenText(tokenizerConfig.bos_token) ?? "", eos: tokenText(tokenizerConfig.eos_token) ?? "" },
  };
}

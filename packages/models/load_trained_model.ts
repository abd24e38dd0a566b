import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { createGpt2, type Gpt2Model } from "./create_gpt2.ts";
import { loadGpt2Weights } from "./gpt2_weights.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** A trained model ready to evaluate: weights, tokenizer and the chat template it was trained with. */
export interface TrainedModel {
  model: Gpt2Model;
  tokenizer: Tokenizer;
  /** The `template` the trainer rendered samples with (`ual` unless the manifest chose another). */
  template: string;
  /** The longest sequence the trainer used (tokens). */
  maxLength: number;
}

interface CheckpointConfig {
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  layer_norm_epsilon?: number;
  ual?: { tokenizer?: string; template?: string; maxLength?: number };
}

/**
 * Loads a `@ual/trainer-tfjs` checkpoint directory (`checkpoints/step-N/`, the `model` artifact an
 * evaluator is handed): `config.json` for the shape, `model.safetensors` for the weights, and the
 * tokenizer (`byte`, or the `tokenizer.json` copied beside the weights).
 *
 * @example
 * ```ts
 * const { model, tokenizer, template } = await loadTrainedModel(artifacts.model);
 * try { … } finally { model.dispose(); }
 * ```
 */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const configPath = join(dir, "config.json");
  let config: CheckpointConfig;
  try {
    config = JSON.parse(await readFile(configPath, "utf8")) as CheckpointConfig;
  } catch (error) {
    throw new Error(`${configPath}: cannot read the checkpoint's config (${(error as Error).message}); is ${dir} a checkpoints/step-N directory of @ual/trainer-tfjs?`);
  }
  const tokenizerSpec = config.ual?.tokenizer ?? "byte";
  const tokenizer = await loadTokenizer(tokenizerSpec === "byte" ? "byte" : join(dir, tokenizerSpec));
  const model = createGpt2({
    vocabSize: config.vocab_size,
    contextLength: config.n_positions,
    dModel: config.n_embd,
    layers: config.n_layer,
    heads: config.n_head,
    ...(config.layer_norm_epsilon !== undefined ? { layerNormEpsilon: config.layer_norm_epsilon } : {}),
  });
  try {
    await loadGpt2Weights(model, join(dir, "model.safetensors"));
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, tokenizer, template: config.ual?.template ?? "ual", maxLength: config.ual?.maxLength ?? config.n_positions };
}

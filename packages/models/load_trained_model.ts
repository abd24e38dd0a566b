import { access, readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { causalLm, type CausalLm } from "./causal_lm.ts";
import { type ChatFormat, type HfChatTemplateSource, readHfChatTemplate, resolveChatFormat } from "./chat_format.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { loadGpt2Weights } from "./gpt2_weights.ts";
import { loadAdaptedModel } from "./load_adapted_model.ts";
import { type LoadedHfModel, loadHfModel } from "./load_hf_model.ts";
import { loadTokenizer } from "./load_tokenizer.ts";
import type { Tokenizer } from "./tokenizer.ts";

/** A trained model ready to evaluate: weights, tokenizer and the chat template it was trained with. */
export interface TrainedModel {
  /** GPT-2 or Llama family; LoRA adapters are already merged into the base weights. */
  model: CausalLm;
  tokenizer: Tokenizer;
  /** How the trainer rendered samples (a `{user}` template or the model's chat_template): prompt with it. */
  template: ChatFormat;
  /** The longest sequence the trainer used (tokens). */
  maxLength: number;
}

/** The trainer's block in `config.json` (see `@ual/trainer-tfjs`). */
interface UalBlock {
  tokenizer?: string;
  template?: string;
  /** The chat_template and its token texts, when `template` is `model`. */
  chatTemplate?: HfChatTemplateSource;
  maxLength?: number;
}

interface CheckpointConfig {
  architectures?: unknown;
  vocab_size: number;
  n_positions: number;
  n_embd: number;
  n_layer: number;
  n_head: number;
  layer_norm_epsilon?: number;
  ual?: UalBlock | null;
}

const exists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);

async function readJson<T>(path: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new Error(`${path}: cannot read ${what} (${(error as Error).message}); is the folder a checkpoints/step-N directory of @ual/trainer-tfjs?`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${path}: not valid JSON (${(error as Error).message})`);
  }
}

/**
 * The tokenizer a checkpoint was trained with: the `ual` block's (`byte`, or a file beside the
 * weights), else the model folder's own `tokenizer.json`, else the byte tokenizer.
 */
async function checkpointTokenizer(dir: string, ual: UalBlock | undefined, folderTokenizer: Tokenizer | undefined): Promise<Tokenizer> {
  const spec = ual?.tokenizer;
  if (spec === undefined) return folderTokenizer ?? (await loadTokenizer("byte"));
  if (spec === "byte") return loadTokenizer("byte");
  const path = join(dir, spec);
  if (!(await exists(path))) throw new Error(`${path}: missing; ${join(dir, "config.json")} says the model was trained with this tokenizer`);
  return loadTokenizer(path);
}

async function fromHf(loaded: Promise<LoadedHfModel>): Promise<{ model: CausalLm; tokenizer: Tokenizer | undefined }> {
  const hf = await loaded;
  return { model: causalLm(hf.model), tokenizer: hf.tokenizer };
}

/**
 * Loads a `@ual/trainer-tfjs` checkpoint directory (`checkpoints/step-N/`, the `model` artifact an
 * evaluator is handed), whatever the trainer trained:
 * - a GPT-2 trained from scratch: `config.json` (the shape plus a `ual` block) and `model.safetensors`;
 * - a full fine-tune of a Hugging Face folder (GPT-2 or Llama family): `config.json` with
 *   `architectures`, `model.safetensors` with HF names, read by {@linkcode loadHfModel};
 * - LoRA adapters: `adapter_config.json` and `adapter_model.safetensors`, merged into the base model
 *   that `base_model_name_or_path` names, by {@linkcode loadAdaptedModel}.
 * The tokenizer is the one the `ual` block names (`byte`, or the `tokenizer.json` copied beside the
 * weights); a folder without that block uses its own `tokenizer.json`, else the byte tokenizer,
 * and its own chat_template (tokenizer_config.json) when it has one.
 *
 * @example
 * ```ts
 * const { model, tokenizer, template } = await loadTrainedModel(artifacts.model);
 * try { generate(model, tokenizer, [chatPrompt("Hi", tokenizer, template)]); } finally { model.dispose(); }
 * ```
 */
export async function loadTrainedModel(dir: string): Promise<TrainedModel> {
  const configPath = join(dir, "config.json");
  const adapterConfigPath = join(dir, "adapter_config.json");
  const isLora = await exists(adapterConfigPath);
  // A LoRA checkpoint's config.json is the base's plus the `ual` block; a bare PEFT folder has none.
  const config = isLora && !(await exists(configPath)) ? undefined : await readJson<CheckpointConfig>(configPath, "the checkpoint's config");
  const ual = config?.ual ?? undefined;
  let loaded: { model: CausalLm; tokenizer: Tokenizer | undefined };
  let base: string | undefined;
  if (isLora) {
    const weights = join(dir, "adapter_model.safetensors");
    if (!(await exists(weights))) throw new Error(`${weights}: missing; a LoRA checkpoint needs adapter_config.json and adapter_model.safetensors`);
    const named = (await readJson<{ base_model_name_or_path?: unknown }>(adapterConfigPath, "the adapter config")).base_model_name_or_path;
    if (typeof named !== "string" || named === "") throw new Error(`${adapterConfigPath}: no base_model_name_or_path; cannot tell which model the adapters adapt`);
    base = isAbsolute(named) ? named : resolve(dir, named);
    if (!(await exists(join(base, "config.json")))) {
      throw new Error(`${adapterConfigPath}: the base model ${base} (base_model_name_or_path) has no config.json; is the trainer's init folder still there?`);
    }
    loaded = await fromHf(loadAdaptedModel(dir, { base }));
  } else if (config?.architectures !== undefined) {
    // The trainer's own GPT-2 config is a Hugging Face GPT-2 config too, so one reader serves both.
    if (!(await exists(join(dir, "model.safetensors"))) && !(await exists(join(dir, "model.safetensors.index.json")))) {
      throw new Error(`${join(dir, "model.safetensors")}: missing; a checkpoint with ${configPath} needs its weights beside it`);
    }
    loaded = await fromHf(loadHfModel(dir, { trainable: false }));
  } else {
    // Checkpoints from before the trainer wrote `architectures`: its GPT-2 shape, by its own names.
    const c = config as CheckpointConfig;
    const model = createGpt2({
      vocabSize: c.vocab_size,
      contextLength: c.n_positions,
      dModel: c.n_embd,
      layers: c.n_layer,
      heads: c.n_head,
      ...(c.layer_norm_epsilon !== undefined ? { layerNormEpsilon: c.layer_norm_epsilon } : {}),
    }, { init: "zeros" });
    try {
      await loadGpt2Weights(model, join(dir, "model.safetensors"));
    } catch (error) {
      model.dispose();
      throw error;
    }
    loaded = { model: causalLm(model), tokenizer: undefined };
  }
  const { model } = loaded;
  try {
    const tokenizer = await checkpointTokenizer(dir, ual, loaded.tokenizer);
    if (tokenizer.vocabSize > model.config.vocabSize) {
      throw new Error(`${dir}: the tokenizer (${tokenizer.name}) has ${tokenizer.vocabSize} ids but the model only ${model.config.vocabSize} embedding rows`);
    }
    // A folder the trainer did not write (a downloaded model, a matrix's untrained base arm) is
    // prompted with its own chat_template when it has one, as the trainer's `template: auto` would.
    const name = ual?.template ?? (config?.ual == null && !isLora ? "auto" : "ual");
    // A model's chat_template travels in the ual block; older folders keep it in tokenizer_config.json.
    const source = name === "model" || name === "auto" ? (ual?.chatTemplate ?? (await readHfChatTemplate(dir)) ?? (base === undefined ? undefined : await readHfChatTemplate(base))) : undefined;
    const template = resolveChatFormat(name, source, `${dir} (trained with template ${name})`);
    return { model, tokenizer, template, maxLength: ual?.maxLength ?? model.config.contextLength };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

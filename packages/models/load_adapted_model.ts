import { readFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";
import { attachLora } from "./attach_lora.ts";
import { type LoadedHfModel, loadHfModel } from "./load_hf_model.ts";
import { loadLoraAdapters, readLoraConfig } from "./load_lora_adapters.ts";

/** Options of {@linkcode loadAdaptedModel}. */
export interface LoadAdaptedModelOptions {
  /** The base model folder. Default: `adapter_config.json`'s `base_model_name_or_path` (relative to the adapter folder). */
  base?: string;
}

/**
 * Loads a PEFT LoRA adapter folder — e.g. a `@ual/trainer-tfjs` LoRA checkpoint
 * (`checkpoints/step-N/`) — onto its base model (Llama family or GPT-2) and merges it (spec
 * §5.2: inference runs on merged weights, without dropout), giving a plain model for generation
 * and evaluation.
 *
 * @example
 * ```ts
 * import { loadAdaptedModel } from "@ual/models";
 *
 * const { model, tokenizer } = await loadAdaptedModel("runs/r1/checkpoints/step-000100");
 * ```
 */
export async function loadAdaptedModel(adapterFolder: string, options: LoadAdaptedModelOptions = {}): Promise<LoadedHfModel> {
  let base = options.base;
  if (base === undefined) {
    const path = join(adapterFolder, "adapter_config.json");
    const named = (JSON.parse(await readFile(path, "utf8")) as { base_model_name_or_path?: unknown }).base_model_name_or_path;
    if (typeof named !== "string" || named === "") throw new Error(`${path}: no base_model_name_or_path; pass options.base, the base model folder`);
    base = isAbsolute(named) ? named : resolve(adapterFolder, named);
  }
  const loaded = await loadHfModel(base, { trainable: false });
  try {
    const lora = attachLora(loaded.model, await readLoraConfig(adapterFolder));
    try {
      await loadLoraAdapters(lora, adapterFolder);
    } catch (error) {
      lora.dispose();
      throw error;
    }
    lora.merge();
  } catch (error) {
    loaded.model.dispose();
    throw error;
  }
  return loaded;
}

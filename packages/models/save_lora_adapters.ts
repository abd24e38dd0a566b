import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSafetensors } from "@ual/safetensors";
import type { LoraAdapters } from "./attach_lora.ts";

/** Options of {@linkcode saveLoraAdapters}. */
export interface SaveLoraAdaptersOptions {
  /** `base_model_name_or_path` in `adapter_config.json`: where the base model is. Default `""`. */
  baseModel?: string;
  /** Extra `__metadata__` entries of the safetensors file. */
  metadata?: Record<string, string>;
}

/**
 * Saves adapters as PEFT does — `adapter_model.safetensors` (float32, names
 * `base_model.model.<layer>.lora_A.weight` [r, in] and `….lora_B.weight` [out, r]) and
 * `adapter_config.json` (`target_modules` as attached; `fan_in_fan_out: true` on GPT-2, whose
 * `Conv1D` weights are [in, out]) — so that `PeftModel.from_pretrained(base, folder)` loads them.
 *
 * @example
 * ```ts
 * import { attachLora, createLlama, saveLoraAdapters } from "@ual/models";
 *
 * const lora = attachLora(createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 }));
 * await saveLoraAdapters(lora, "out/adapter", { baseModel: "models/tiny-llama" });
 * ```
 */
export async function saveLoraAdapters(adapters: LoraAdapters, folder: string, options: SaveLoraAdaptersOptions = {}): Promise<void> {
  await mkdir(folder, { recursive: true });
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: () => Float32Array }> = {};
  for (const [name, v] of adapters.variables) tensors[name] = { dtype: "F32", shape: [...v.shape], data: () => v.dataSync() as Float32Array };
  await writeSafetensors(join(folder, "adapter_model.safetensors"), tensors, { format: "pt", ...options.metadata });
  const { r, alpha, dropout, targets } = adapters.options;
  const config = {
    peft_type: "LORA",
    task_type: "CAUSAL_LM",
    base_model_name_or_path: options.baseModel ?? "",
    r,
    lora_alpha: alpha,
    lora_dropout: dropout,
    target_modules: targets,
    bias: "none",
    // PEFT's flag for Conv1D layers (W stored [in, out]): only its merge transposes B·A.
    fan_in_fan_out: adapters.family === "gpt2",
    inference_mode: true,
    init_lora_weights: true,
    modules_to_save: null,
  };
  await writeFile(join(folder, "adapter_config.json"), `${JSON.stringify(config, null, 2)}\n`);
}

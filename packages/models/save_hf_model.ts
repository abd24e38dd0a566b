import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { writeSafetensors } from "@ual/safetensors";
import { gpt2ConfigToHf } from "./gpt2_hf_config.ts";
import { llamaConfigToHf } from "./llama_config.ts";
import type { HfCausalLm } from "./load_hf_model.ts";

/**
 * Saves a model as a Hugging Face folder: `config.json` and `model.safetensors` with the HF
 * tensor names, float32, one weight in memory at a time and atomically, so that
 * `AutoModelForCausalLM.from_pretrained(folder)` — and {@linkcode loadHfModel} — read it back.
 * Tokenizer files are not written; copy them from the source folder.
 *
 * @example
 * ```ts
 * import { createLlama, saveHfModel } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 });
 * await saveHfModel({ family: "llama", model }, "out/tiny-llama");
 * ```
 */
export async function saveHfModel(loaded: HfCausalLm, folder: string, metadata: Record<string, string> = {}): Promise<void> {
  await mkdir(folder, { recursive: true });
  const config = loaded.family === "gpt2" ? gpt2ConfigToHf(loaded.model.config) : llamaConfigToHf(loaded.model.config);
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: () => Float32Array }> = {};
  for (const [name, v] of loaded.model.variables) {
    tensors[name] = { dtype: "F32", shape: [...v.shape], data: () => v.dataSync() as Float32Array };
  }
  await writeSafetensors(join(folder, "model.safetensors"), tensors, { format: "pt", ...metadata });
  await writeFile(join(folder, "config.json"), `${JSON.stringify(config, null, 2)}\n`);
}

import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { LoraAdapters } from "./attach_lora.ts";
import type { LoraOptions } from "./lora_options.ts";
import { loadHfWeights } from "./load_hf_weights.ts";

/**
 * Reads a PEFT adapter folder's `adapter_config.json` as {@linkcode LoraOptions}, to attach
 * adapters of the same shape before {@linkcode loadLoraAdapters} fills them.
 *
 * @example
 * ```ts
 * import { attachLora, createLlama, loadLoraAdapters, readLoraConfig } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 });
 * const lora = attachLora(model, await readLoraConfig("out/adapter"));
 * await loadLoraAdapters(lora, "out/adapter");
 * ```
 */
export async function readLoraConfig(folder: string): Promise<LoraOptions> {
  const path = join(folder, "adapter_config.json");
  const json = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  if (json.peft_type !== "LORA") throw new Error(`${path}: peft_type ${String(json.peft_type)} is not LORA`);
  if (json.bias !== undefined && json.bias !== "none") throw new Error(`${path}: bias "${String(json.bias)}" is not supported; only "none"`);
  if (json.fan_in_fan_out === true) throw new Error(`${path}: fan_in_fan_out adapters (GPT-2 Conv1D) are not supported`);
  const targets = json.target_modules;
  if (!Array.isArray(targets)) throw new Error(`${path}: target_modules must be a list of layer names, got ${JSON.stringify(targets)}`);
  return { r: Number(json.r), alpha: Number(json.lora_alpha), dropout: Number(json.lora_dropout ?? 0), targets: targets.map(String) };
}

/**
 * Loads `adapter_model.safetensors` of a PEFT folder into attached adapters (to resume training,
 * or to evaluate). Every adapter tensor must be there with its shape; errors name it.
 *
 * @example
 * ```ts
 * import { attachLora, createLlama, loadLoraAdapters } from "@ual/models";
 *
 * const lora = attachLora(createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 }));
 * await loadLoraAdapters(lora, "runs/r1/checkpoints/step-000100/adapter");
 * ```
 */
export async function loadLoraAdapters(adapters: LoraAdapters, folder: string): Promise<void> {
  await loadHfWeights(adapters.variables, join(folder, "adapter_model.safetensors"));
}

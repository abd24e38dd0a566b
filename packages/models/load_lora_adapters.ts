import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readSafetensorsHeader } from "@ual/safetensors";
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
  // fan_in_fan_out (true for GPT-2's Conv1D) is not read: like PEFT, which overrides it by the
  // layer's type, attachLora knows the layout from the model, and the adapter shapes do not depend on it.
  const targets = json.target_modules;
  if (!Array.isArray(targets)) throw new Error(`${path}: target_modules must be a list of layer names, got ${JSON.stringify(targets)}`);
  return { r: Number(json.r), alpha: Number(json.lora_alpha), dropout: Number(json.lora_dropout ?? 0), targets: targets.map(String) };
}

/**
 * Loads `adapter_model.safetensors` of a PEFT folder into attached adapters (to resume training,
 * or to evaluate). The file must hold exactly the attached adapters, each with its shape; before
 * any data is read, a missing, extra or misshapen tensor is an error naming it.
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
  const path = join(folder, "adapter_model.safetensors");
  const { tensors } = await readSafetensorsHeader(path);
  const { r, targets } = adapters.options;
  const attached = `r ${r}, targets ${targets.join(", ")} on a ${adapters.family} model`;
  for (const [name, { shape }] of Object.entries(tensors)) {
    const v = adapters.variables.get(name);
    if (v === undefined) throw new Error(`${path}: adapter tensor ${name} matches none of the attached adapters (${attached}); were they trained on another base model or with other target_modules?`);
    if (shape.join() !== v.shape.join()) throw new Error(`${path}: adapter tensor ${name} is [${shape}], the attached adapter is [${v.shape}] (${attached}); was it trained with another r or base model?`);
  }
  const missing = [...adapters.variables.keys()].filter((name) => !(name in tensors));
  if (missing.length > 0) {
    const more = missing.length > 1 ? ` and ${missing.length - 1} more` : "";
    throw new Error(`${path}: no adapter tensor ${missing[0]}${more} (attached: ${attached}); check adapter_config.json's target_modules`);
  }
  await loadHfWeights(adapters.variables, path);
}

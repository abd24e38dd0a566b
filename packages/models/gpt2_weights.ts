import { tensor, tidy } from "@tensorflow/tfjs-core";
import { readSafetensors, writeSafetensors } from "@ual/safetensors";
import type { Gpt2Model } from "./create_gpt2.ts";

/**
 * Saves a model's weights as a safetensors file under their Hugging Face GPT-2 names, one
 * weight in memory at a time, atomically (a temporary file renamed into place).
 *
 * @example
 * ```ts
 * import { createGpt2, GPT2_PRESETS, saveGpt2Weights } from "@ual/models";
 *
 * await saveGpt2Weights(createGpt2({ ...GPT2_PRESETS.tiny, vocabSize: 259 }), "out/model.safetensors");
 * ```
 */
export async function saveGpt2Weights(model: Gpt2Model, path: string, metadata: Record<string, string> = {}): Promise<void> {
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: () => Float32Array }> = {};
  for (const [name, v] of model.variables) {
    tensors[name] = { dtype: "F32", shape: [...v.shape], data: () => v.dataSync() as Float32Array };
  }
  await writeSafetensors(path, tensors, { format: "pt", ...metadata });
}

// Buffers and duplicates in Hugging Face GPT-2 files that are not weights of ours.
const IGNORED = /(^|\.)attn\.(masked_)?bias$|^lm_head\.weight$/;

/**
 * Loads weights saved by {@linkcode saveGpt2Weights} — or a Hugging Face GPT-2 `model.safetensors`
 * (names with or without the `transformer.` prefix; F16/BF16 are widened) — into a model of the
 * same shape. Every weight of the model must be in the file with its shape; errors name the file
 * and the weight.
 *
 * @example
 * ```ts
 * import { createGpt2, GPT2_PRESETS, loadGpt2Weights } from "@ual/models";
 *
 * const model = createGpt2({ ...GPT2_PRESETS.tiny, vocabSize: 259 });
 * await loadGpt2Weights(model, "runs/r1/checkpoints/step-000100/model.safetensors");
 * ```
 */
export async function loadGpt2Weights(model: Gpt2Model, path: string): Promise<void> {
  const file = await readSafetensors(path, { widen: true });
  const byName = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const [name, t] of file) {
    if (IGNORED.test(name)) continue;
    if (t.dtype !== "F32") throw new Error(`${path}: weight ${name} has dtype ${t.dtype}; expected a float`);
    byName.set(name.startsWith("transformer.") ? name : `transformer.${name}`, { shape: t.shape, data: t.data as Float32Array });
  }
  for (const [name, v] of model.variables) {
    const found = byName.get(name);
    if (found === undefined) throw new Error(`${path}: no weight ${name} (the model needs all ${model.variables.size})`);
    if (found.shape.join() !== v.shape.join()) throw new Error(`${path}: weight ${name} is [${found.shape}], the model's is [${v.shape}]`);
  }
  for (const [name, v] of model.variables) {
    const found = byName.get(name) as { data: Float32Array };
    tidy(() => v.assign(tensor(found.data, v.shape)));
  }
}

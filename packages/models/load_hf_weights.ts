import { tensor, tidy, type Variable } from "@tensorflow/tfjs-core";
import { openCheckpoint } from "@ual/safetensors";

/** Options of {@linkcode loadHfWeights}. */
export interface LoadHfWeightsOptions {
  /**
   * Maps a checkpoint tensor name to the model's name for it, or `undefined` to skip it (a buffer
   * or a duplicate of a tied weight). Default: the name itself.
   */
  rename?: (name: string) => string | undefined;
  /** Stops between tensors when aborted. */
  signal?: AbortSignal;
}

/**
 * Assigns a safetensors checkpoint (one file, a sharded folder, or a folder with
 * `model.safetensors`) to named tfjs variables, one tensor at a time: each is read, widened to
 * float32 if it is F16/BF16, uploaded, and dropped before the next is read, so the weights are
 * never in memory twice. Before any data is read, the headers are checked: a weight missing
 * from the checkpoint, a tensor the model has no place for, or a shape that differs is an error
 * naming the tensor.
 *
 * @example
 * ```ts
 * import { createLlama, loadHfWeights } from "@ual/models";
 *
 * const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4 }, { init: "zeros" });
 * await loadHfWeights(model.variables, "models/tiny-llama");
 * ```
 */
export async function loadHfWeights(
  variables: ReadonlyMap<string, Variable>,
  path: string,
  options: LoadHfWeightsOptions = {},
): Promise<void> {
  const rename = options.rename ?? ((name: string) => name);
  const checkpoint = await openCheckpoint(path, { signal: options.signal });
  const target = new Map<string, string>();
  for (const [name, info] of checkpoint.tensors) {
    const ours = rename(name);
    if (ours === undefined) continue;
    const v = variables.get(ours);
    if (v === undefined) throw new Error(`${path}: tensor ${name} has no place in the model (is the config's architecture right?)`);
    if (info.shape.join() !== v.shape.join()) throw new Error(`${path}: tensor ${name} is [${info.shape}], the model's ${ours} is [${v.shape}]`);
    target.set(name, ours);
  }
  const found = new Set(target.values());
  const missing = [...variables.keys()].filter((name) => !found.has(name));
  if (missing.length > 0) {
    const more = missing.length > 3 ? ` and ${missing.length - 3} more` : "";
    throw new Error(`${path}: missing tensor ${missing.slice(0, 3).join(", ")}${more} (the model needs all ${variables.size})`);
  }
  for await (const [name, t] of checkpoint.iterate({ names: [...target.keys()], widen: true, signal: options.signal })) {
    if (!(t.data instanceof Float32Array)) throw new Error(`${path}: tensor ${name} has dtype ${t.dtype}; expected F32, F16 or BF16`);
    const v = variables.get(target.get(name) as string) as Variable;
    const data = t.data;
    // assign() disposes the variable's old value, so the peak is the model plus one tensor.
    tidy(() => v.assign(tensor(data, v.shape)));
  }
}

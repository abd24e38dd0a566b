import type { TensorSelection } from "./_select_names.ts";
import { iterateSafetensors } from "./iterate_safetensors.ts";
import type { Tensor } from "./tensor.ts";

/** Options of {@linkcode readSafetensors}, {@linkcode iterateSafetensors} and {@linkcode decodeSafetensors}. */
export interface ReadSafetensorsOptions {
  /**
   * Which tensors to read: a list of names (each must exist) or a test on each name. Default:
   * all of them. Only the chosen tensors' bytes are read.
   */
  names?: TensorSelection;
  /**
   * Convert F16 and BF16 tensors to float32 (dtype `"F32"`, a `Float32Array`) while reading,
   * without a second copy. Default false: they come as `Uint16Array` of raw bits.
   */
  widen?: boolean;
  /** Stops between reads when aborted. */
  signal?: AbortSignal;
}

export type { TensorSelection };

/**
 * Reads tensors of a safetensors file into memory: the header first, then, with positioned
 * reads, the bytes of only the tensors asked for. The map is in file order.
 *
 * Use {@linkcode iterateSafetensors} instead when each tensor is converted or uploaded (e.g. to a
 * tfjs variable) right away, so that the whole file never sits in memory twice.
 *
 * @param path The file (a path or a `file:` URL).
 * @param options Which tensors (`names`, default all), `widen` F16/BF16 to F32 (default false), `signal`.
 * @throws {SafetensorsError} naming the file and tensor when the file is malformed or a listed name is missing.
 *
 * @example
 * ```ts
 * import { readSafetensors } from "@ual/safetensors";
 *
 * const tensors = await readSafetensors("model.safetensors", {
 *   names: (name) => name.startsWith("model.layers.0."),
 *   widen: true,
 * });
 * const q = tensors.get("model.layers.0.self_attn.q_proj.weight"); // { dtype: "F32", shape, data: Float32Array }
 * ```
 */
export async function readSafetensors(path: string | URL, options: ReadSafetensorsOptions = {}): Promise<Map<string, Tensor>> {
  const tensors = new Map<string, Tensor>();
  for await (const [name, tensor] of iterateSafetensors(path, options)) tensors.set(name, tensor);
  return tensors;
}

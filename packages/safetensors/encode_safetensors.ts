import { planLayout } from "./_plan_layout.ts";
import { tensorBytes } from "./_tensor_bytes.ts";
import { IN_MEMORY_FILE } from "./_decode_header.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import type { Tensor } from "./tensor.ts";

/**
 * Encodes tensors as the bytes of one safetensors file, laid out as the reference writer does
 * (by descending dtype alignment, then name; header padded with spaces to a multiple of 8 so
 * every tensor is aligned to its element size). For files on disk prefer
 * {@linkcode writeSafetensors}, which streams instead of building one buffer.
 *
 * F16/BF16 data may be raw bits (`Uint16Array`) or a `Float32Array`, rounded to nearest even; any
 * dtype also takes a `Uint8Array` of raw little-endian bytes.
 *
 * @param tensors The tensors by name.
 * @param metadata Strings for the header's `__metadata__` (e.g. `{ format: "pt" }`, which
 *   transformers expects of PyTorch checkpoints).
 * @throws {SafetensorsError} with code `INPUT_INVALID` naming the tensor whose dtype, shape or data do not fit.
 *
 * @example
 * ```ts
 * import { encodeSafetensors } from "@ual/safetensors";
 *
 * const bytes = encodeSafetensors(
 *   { "lm_head.weight": { dtype: "BF16", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) } },
 *   { format: "pt" },
 * );
 * ```
 */
export function encodeSafetensors(tensors: Readonly<Record<string, Tensor>>, metadata?: Readonly<Record<string, string>>): Uint8Array {
  const layout = planLayout(tensors, metadata, IN_MEMORY_FILE);
  const total = layout.prefix.length + layout.dataLength;
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(total);
  } catch (cause) {
    throw new SafetensorsError("TOO_LARGE", `the file would have ${total} bytes, more than one JavaScript array can hold; use writeSafetensors.`, { cause });
  }
  bytes.set(layout.prefix, 0);
  for (const tensor of layout.tensors) {
    if (typeof tensor.data === "function") {
      throw new SafetensorsError("INPUT_INVALID", "encodeSafetensors takes data arrays, not functions; use writeSafetensors for data given on demand.", {
        file: IN_MEMORY_FILE,
        tensor: tensor.name,
      });
    }
    bytes.set(tensorBytes(tensor.dtype, tensor.data), layout.prefix.length + tensor.begin);
  }
  return bytes;
}

import { allocateTensor } from "./_allocate_tensor.ts";
import { decodeHeader, IN_MEMORY_FILE } from "./_decode_header.ts";
import { selectNames } from "./_select_names.ts";
import type { ReadSafetensorsOptions } from "./read_safetensors.ts";
import type { Tensor } from "./tensor.ts";

/**
 * Decodes a whole safetensors file held in memory (e.g. from {@linkcode encodeSafetensors} or a
 * download), with the same validation and options as {@linkcode readSafetensors}. Each tensor is
 * copied into its own aligned buffer, so the result does not keep `bytes` alive.
 *
 * @param bytes The complete file.
 * @param options Which tensors (`names`, default all) and whether to `widen` F16/BF16 to F32.
 * @throws {SafetensorsError} when the bytes are not a valid safetensors file.
 *
 * @example
 * ```ts
 * import { decodeSafetensors, encodeSafetensors } from "@ual/safetensors";
 *
 * const bytes = encodeSafetensors({ w: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) } });
 * decodeSafetensors(bytes).get("w"); // { dtype: "F32", shape: [2], data: Float32Array [1, 2] }
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, options: Omit<ReadSafetensorsOptions, "signal"> = {}): Map<string, Tensor> {
  const header = decodeHeader(bytes);
  const tensors = new Map<string, Tensor>();
  for (const name of selectNames(header.tensors, options.names, IN_MEMORY_FILE)) {
    const info = header.tensors[name]!;
    const slot = allocateTensor(name, info, options.widen ?? false, IN_MEMORY_FILE);
    slot.bytes.set(bytes.subarray(header.dataOffset + info.begin, header.dataOffset + info.end));
    tensors.set(name, slot.finish());
  }
  return tensors;
}

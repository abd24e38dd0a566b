import { allocateTensor } from "./_allocate_tensor.ts";
import { readExactly } from "./_read_exactly.ts";
import { openSafetensorsFile } from "./_safetensors_file.ts";
import { selectNames } from "./_select_names.ts";
import type { ReadSafetensorsOptions } from "./read_safetensors.ts";
import type { Tensor } from "./tensor.ts";

/**
 * Reads the tensors of a safetensors file one at a time, in file order, each with one positioned
 * read of its own bytes. Nothing is kept after a tensor is yielded, so a loader that converts
 * each tensor before asking for the next never holds two copies of all the weights. Breaking
 * out of the loop closes the file.
 *
 * @param path The file (a path or a `file:` URL).
 * @param options Which tensors (`names`, default all), `widen` F16/BF16 to F32 (default false), `signal`.
 * @throws {SafetensorsError} when the header is malformed, a listed name is missing, or the file shrinks while read.
 *
 * @example
 * ```ts
 * import { iterateSafetensors } from "@ual/safetensors";
 *
 * for await (const [name, tensor] of iterateSafetensors("model.safetensors", { widen: true })) {
 *   console.log(name, tensor.dtype, tensor.shape); // every F16/BF16 tensor arrives as F32
 * }
 * ```
 */
export async function* iterateSafetensors(
  path: string | URL,
  options: ReadSafetensorsOptions = {},
): AsyncGenerator<[string, Tensor], void, undefined> {
  const { signal, widen = false } = options;
  const { handle, file, header } = await openSafetensorsFile(path, signal);
  try {
    for (const name of selectNames(header.tensors, options.names, file)) {
      signal?.throwIfAborted();
      const info = header.tensors[name]!;
      const slot = allocateTensor(name, info, widen, file);
      await readExactly(handle, slot.bytes, header.dataOffset + info.begin, { file, tensor: name }, signal);
      yield [name, slot.finish()];
    }
  } finally {
    await handle.close();
  }
}

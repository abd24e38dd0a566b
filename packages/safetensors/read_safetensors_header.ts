import { decodeHeader } from "./_decode_header.ts";
import { openSafetensorsFile } from "./_safetensors_file.ts";
import type { SafetensorsHeader } from "./safetensors_header.ts";

/** Options of {@linkcode readSafetensorsHeader}. */
export interface ReadSafetensorsHeaderOptions {
  /** Stops before reading when aborted. */
  signal?: AbortSignal;
}

/**
 * Reads and validates the header of a safetensors file without reading any tensor: the first 8
 * bytes, then the JSON they announce — but only after checking that length against the file's
 * size and the 100 MB header limit, so a corrupt length never causes a large allocation.
 *
 * Validation follows the reference implementation: known dtype, shape of non-negative integers,
 * `end − begin` = product(shape) × dtype size, and tensors tiling the data region exactly (no
 * overlap, no gap, no trailing bytes). Names given twice are rejected, not silently merged.
 *
 * @param source A file path or `file:` URL, or the bytes of a whole file.
 * @throws {SafetensorsError} naming the file and the tensor when the header is malformed.
 *
 * @example
 * ```ts
 * import { readSafetensorsHeader } from "@ual/safetensors";
 *
 * const { tensors, metadata, dataOffset } = await readSafetensorsHeader("model.safetensors");
 * for (const [name, { dtype, shape }] of Object.entries(tensors)) console.log(name, dtype, shape);
 * ```
 */
export async function readSafetensorsHeader(
  source: string | URL | Uint8Array,
  options: ReadSafetensorsHeaderOptions = {},
): Promise<SafetensorsHeader> {
  if (source instanceof Uint8Array) return decodeHeader(source);
  const { handle, header } = await openSafetensorsFile(source, options.signal);
  await handle.close();
  return header;
}


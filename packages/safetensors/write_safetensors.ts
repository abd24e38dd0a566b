import { randomBytes } from "node:crypto";
import { open, rename, unlink, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { toPath } from "./_path.ts";
import { planLayout } from "./_plan_layout.ts";
import { checkTensorData, tensorBytes } from "./_tensor_bytes.ts";
import type { WritableTensor } from "./tensor.ts";

/** Options of {@linkcode writeSafetensors}. */
export interface WriteSafetensorsOptions {
  /** Stops between tensors when aborted; the temporary file is removed and `path` is untouched. */
  signal?: AbortSignal;
  /** The file's permission bits. Default `0o644` (less the process umask). */
  mode?: number;
}

// Large tensors are written in pieces so that an abort is noticed within one piece.
const CHUNK_BYTES = 64 * 1024 * 1024;

async function writeFully(handle: FileHandle, bytes: Uint8Array, position: number, signal?: AbortSignal): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    signal?.throwIfAborted();
    const { bytesWritten } = await handle.write(bytes, done, Math.min(CHUNK_BYTES, bytes.length - done), position + done);
    done += bytesWritten;
  }
}

/** Makes a rename durable: fsync the directory where the platform allows opening one. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, "r");
    await handle.sync();
  } catch {
    // Windows cannot open a directory, and some file systems refuse to fsync one; the data itself
    // was already fsynced, so at worst a crash right now leaves the old file in place.
  } finally {
    await handle?.close();
  }
}

/**
 * Writes tensors to a safetensors file, atomically: into a temporary file in the same folder,
 * fsynced, then renamed over `path`, so a crash or kill leaves either the old file or the whole
 * new one, never a torn one. Tensors are written one at a time at their offsets, never
 * concatenated; a tensor's `data` may be a function, called when its turn comes, so a large
 * model can be saved with one tensor's copy in memory at a time.
 *
 * The layout is the reference writer's (huggingface/safetensors): by descending dtype alignment,
 * then name; the header padded with spaces to a multiple of 8, so every tensor is aligned to its
 * element size. F16/BF16 data may be a `Float32Array`, rounded to nearest even.
 *
 * @param path The file to create or replace (a path or a `file:` URL).
 * @param tensors The tensors by name.
 * @param metadata Strings for the header's `__metadata__`; transformers expects `{ format: "pt" }`.
 * @param options `signal`, `mode`.
 * @throws {SafetensorsError} with code `INPUT_INVALID` naming the tensor whose dtype, shape or data do not fit
 *   (data given eagerly is checked before anything is written).
 *
 * @example
 * ```ts
 * import { writeSafetensors } from "@ual/safetensors";
 *
 * await writeSafetensors(
 *   "out/model.safetensors",
 *   {
 *     "model.norm.weight": { dtype: "F32", shape: [4], data: new Float32Array([1, 1, 1, 1]) },
 *     "lm_head.weight": { dtype: "BF16", shape: [2, 4], data: () => new Float32Array(8) },
 *   },
 *   { format: "pt" },
 * );
 * ```
 */
export async function writeSafetensors(
  path: string | URL,
  tensors: Readonly<Record<string, WritableTensor>>,
  metadata?: Readonly<Record<string, string>>,
  options: WriteSafetensorsOptions = {},
): Promise<void> {
  const { signal, mode = 0o644 } = options;
  signal?.throwIfAborted();
  const file = toPath(path);
  const layout = planLayout(tensors, metadata, file);
  const temporary = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
  const handle = await open(temporary, "wx", mode);
  let closed = false;
  try {
    await writeFully(handle, layout.prefix, 0, signal);
    for (const tensor of layout.tensors) {
      signal?.throwIfAborted();
      let data = tensor.data;
      if (typeof data === "function") {
        data = await data();
        checkTensorData(tensor.dtype, tensor.count, data, { file, tensor: tensor.name });
      }
      await writeFully(handle, tensorBytes(tensor.dtype, data), layout.prefix.length + tensor.begin, signal);
    }
    await handle.sync();
    closed = true;
    await handle.close();
    await rename(temporary, file);
  } catch (error) {
    if (!closed) await handle.close().catch(() => undefined);
    await unlink(temporary).catch(() => undefined);
    throw error;
  }
  await syncDirectory(dirname(file));
}

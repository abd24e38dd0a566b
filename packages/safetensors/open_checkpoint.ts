import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { SAFETENSORS_INDEX_FILE, SAFETENSORS_MODEL_FILE } from "./constants.ts";
import { toPath } from "./_path.ts";
import { openSafetensorsFile } from "./_safetensors_file.ts";
import { notFound } from "./_select_names.ts";
import { iterateSafetensors } from "./iterate_safetensors.ts";
import type { ReadSafetensorsOptions } from "./read_safetensors.ts";
import { readSafetensorsIndex, type SafetensorsIndex } from "./read_safetensors_index.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import type { SafetensorsTensorInfo } from "./safetensors_header.ts";
import type { Tensor } from "./tensor.ts";

/** Where a checkpoint's tensor is: its shard file, and its place in that file's data region. */
export interface CheckpointTensorInfo extends SafetensorsTensorInfo {
  /** The path of the safetensors file holding it. */
  file: string;
}

/**
 * A checkpoint of one safetensors file or of several shards, read the same way. Opening it reads
 * and validates every header; no tensor data is read until asked for, and no file stays open.
 */
export interface Checkpoint {
  /** The path that was opened (a folder or a file). */
  readonly path: string;
  /** The safetensors files, in shard order. */
  readonly files: readonly string[];
  /** The `__metadata__` of the file, or of the first shard. */
  readonly metadata: Readonly<Record<string, string>>;
  /** The shard index, for a sharded checkpoint. */
  readonly index: SafetensorsIndex | undefined;
  /** Every tensor, in shard and then file order. */
  readonly tensors: ReadonlyMap<string, CheckpointTensorInfo>;
  /** Reads one tensor; `widen` converts F16/BF16 to F32. */
  read(name: string, options?: Omit<ReadSafetensorsOptions, "names">): Promise<Tensor>;
  /** Reads the chosen tensors (default: all) into a map, in shard and file order. */
  readMany(options?: ReadSafetensorsOptions): Promise<Map<string, Tensor>>;
  /** Yields the chosen tensors (default: all) one at a time, shard by shard. */
  iterate(options?: ReadSafetensorsOptions): AsyncGenerator<[string, Tensor], void, undefined>;
}

/** Options of {@linkcode openCheckpoint}. */
export interface OpenCheckpointOptions {
  /** Stops between shards when aborted. */
  signal?: AbortSignal;
}

class SafetensorsCheckpoint implements Checkpoint {
  constructor(
    readonly path: string,
    readonly files: readonly string[],
    readonly metadata: Readonly<Record<string, string>>,
    readonly index: SafetensorsIndex | undefined,
    readonly tensors: ReadonlyMap<string, CheckpointTensorInfo>,
  ) {}

  async read(name: string, options: Omit<ReadSafetensorsOptions, "names"> = {}): Promise<Tensor> {
    const info = this.tensors.get(name);
    if (info === undefined) throw notFound(name, [...this.tensors.keys()], this.path);
    for await (const [, tensor] of iterateSafetensors(info.file, { ...options, names: [name] })) return tensor;
    // Not reached: the shard's header is read again, and a listed name it lacks is an error there.
    throw notFound(name, [...this.tensors.keys()], info.file);
  }

  async readMany(options: ReadSafetensorsOptions = {}): Promise<Map<string, Tensor>> {
    const tensors = new Map<string, Tensor>();
    for await (const [name, tensor] of this.iterate(options)) tensors.set(name, tensor);
    return tensors;
  }

  async *iterate(options: ReadSafetensorsOptions = {}): AsyncGenerator<[string, Tensor], void, undefined> {
    const { names } = options;
    if (Array.isArray(names)) {
      for (const name of names) if (!this.tensors.has(name)) throw notFound(name, [...this.tensors.keys()], this.path);
    }
    const listed = Array.isArray(names) ? new Set<string>(names) : undefined;
    const wanted = (name: string): boolean =>
      listed !== undefined ? listed.has(name) : typeof names === "function" ? names(name) : true;
    for (const file of this.files) {
      const inShard = [...this.tensors].filter(([name, info]) => info.file === file && wanted(name)).map(([name]) => name);
      if (inShard.length > 0) yield* iterateSafetensors(file, { ...options, names: inShard });
    }
  }
}

async function openSingle(path: string, file: string, signal?: AbortSignal): Promise<Checkpoint> {
  const { handle, header } = await openSafetensorsFile(file, signal);
  await handle.close();
  const tensors = new Map(
    Object.entries(header.tensors)
      .sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end)
      .map(([name, info]) => [name, { ...info, file }]),
  );
  return new SafetensorsCheckpoint(path, [file], header.metadata, undefined, tensors);
}

async function openSharded(path: string, indexFile: string, signal?: AbortSignal): Promise<Checkpoint> {
  const index = await readSafetensorsIndex(indexFile);
  const files = index.shards.map((shard) => join(index.dir, shard));
  const tensors = new Map<string, CheckpointTensorInfo>();
  let metadata: Record<string, string> = {};
  for (const [i, file] of files.entries()) {
    signal?.throwIfAborted();
    const { handle, header } = await openSafetensorsFile(file, signal);
    await handle.close();
    if (i === 0) metadata = header.metadata;
    const inFileOrder = Object.entries(header.tensors).sort(([, a], [, b]) => a.begin - b.begin || a.end - b.end);
    for (const [name, info] of inFileOrder) {
      const other = tensors.get(name);
      if (other !== undefined) {
        throw new SafetensorsError("INDEX_INVALID", `the tensor is in two shards, ${other.file} and ${file}; which one is meant is ambiguous.`, {
          file: index.file,
          tensor: name,
        });
      }
      // A tensor the index does not list is still part of the checkpoint, as transformers loads
      // every tensor of every shard it opens.
      tensors.set(name, { ...info, file });
    }
  }
  for (const [name, shard] of Object.entries(index.weightMap)) {
    const found = tensors.get(name);
    const expected = join(index.dir, shard);
    if (found === undefined || found.file !== expected) {
      const actual = found === undefined ? "no shard holds it" : `it is in ${found.file}`;
      throw new SafetensorsError("INDEX_INVALID", `"weight_map" puts the tensor in ${shard}, but ${actual}.`, { file: index.file, tensor: name });
    }
  }
  return new SafetensorsCheckpoint(path, files, metadata, index, tensors);
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Opens a Hugging Face style checkpoint for reading, whether it is one file or sharded:
 * - a folder with `model.safetensors` (preferred, as transformers does) or with
 *   `model.safetensors.index.json` and its shards;
 * - a `.safetensors` file, or an `*.index.json` file, given directly.
 *
 * Every header is read and validated up front, and a sharded checkpoint is checked against its
 * index (each mapped tensor in its shard, no tensor in two shards); tensor data is read later,
 * tensor by tensor, with `read`, `readMany` or `iterate`.
 *
 * @param path A checkpoint folder, a safetensors file or an index file (a path or a `file:` URL).
 * @param options `signal`.
 * @throws {SafetensorsError} with code `NOT_A_CHECKPOINT` for a folder with neither file, `INDEX_INVALID` when
 *   the shards disagree with the index, or any header error of a shard.
 *
 * @example
 * ```ts
 * import { openCheckpoint } from "@ual/safetensors";
 *
 * const checkpoint = await openCheckpoint("models/tiny-llama");
 * console.log([...checkpoint.tensors.keys()]);
 * const embed = await checkpoint.read("model.embed_tokens.weight", { widen: true });
 * for await (const [name, tensor] of checkpoint.iterate({ widen: true })) console.log(name, tensor.shape);
 * ```
 */
export async function openCheckpoint(path: string | URL, options: OpenCheckpointOptions = {}): Promise<Checkpoint> {
  const { signal } = options;
  const target = toPath(path);
  if (!(await stat(target)).isDirectory()) {
    return target.endsWith(".json") ? openSharded(target, target, signal) : openSingle(target, target, signal);
  }
  const single = join(target, SAFETENSORS_MODEL_FILE);
  if (await exists(single)) return openSingle(target, single, signal);
  const index = join(target, SAFETENSORS_INDEX_FILE);
  if (await exists(index)) return openSharded(target, index, signal);
  const others = (await readdir(target)).filter((name) => name.endsWith(".safetensors") || name.endsWith(".safetensors.index.json"));
  const hint = others.length > 0 ? ` It has ${others.join(", ")}: pass that file's path instead.` : " Is it a Hugging Face model folder with safetensors weights?";
  throw new SafetensorsError("NOT_A_CHECKPOINT", `the folder has neither ${SAFETENSORS_MODEL_FILE} nor ${SAFETENSORS_INDEX_FILE}.${hint}`, { file: target });
}

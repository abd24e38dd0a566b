import { readFile, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { SAFETENSORS_INDEX_FILE } from "./constants.ts";
import { toPath } from "./_path.ts";
import { SafetensorsError } from "./safetensors_error.ts";

/** A sharded checkpoint's `model.safetensors.index.json`. */
export interface SafetensorsIndex {
  /** The index file's path. */
  file: string;
  /** The folder the shard names are relative to (the index's folder). */
  dir: string;
  /** The index's `metadata` as written (transformers stores `total_size` there), or `{}`. */
  metadata: Record<string, unknown>;
  /** Tensor name → shard file name, from `weight_map`. */
  weightMap: Record<string, string>;
  /** The distinct shard file names, sorted. */
  shards: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the index of a sharded Hugging Face checkpoint (`weight_map`: tensor name → shard file).
 * Shard names must stay inside the index's folder: an absolute path or a `..` is rejected, since
 * a downloaded index is not trusted to point anywhere else on disk. The shards themselves are
 * not opened; {@linkcode openCheckpoint} does that and checks them against the map.
 *
 * @param path The index file, or the folder holding `model.safetensors.index.json`.
 * @throws {SafetensorsError} with code `INDEX_INVALID` when the index is not JSON or `weight_map` is malformed.
 *
 * @example
 * ```ts
 * import { readSafetensorsIndex } from "@ual/safetensors";
 *
 * const { weightMap, shards } = await readSafetensorsIndex("models/llama-2-7b");
 * weightMap["model.embed_tokens.weight"]; // "model-00001-of-00002.safetensors"
 * ```
 */
export async function readSafetensorsIndex(path: string | URL): Promise<SafetensorsIndex> {
  let file = toPath(path);
  if ((await stat(file)).isDirectory()) file = join(file, SAFETENSORS_INDEX_FILE);
  const dir = dirname(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (cause) {
    if (cause instanceof SyntaxError) {
      throw new SafetensorsError("INDEX_INVALID", `the index is not valid JSON (${cause.message}).`, { file, cause });
    }
    throw cause;
  }
  if (!isPlainObject(parsed) || !isPlainObject(parsed["weight_map"])) {
    throw new SafetensorsError("INDEX_INVALID", `the index must be a JSON object with a "weight_map" object (tensor name → shard file).`, { file });
  }
  const metadata = parsed["metadata"] ?? {};
  if (!isPlainObject(metadata)) throw new SafetensorsError("INDEX_INVALID", `"metadata" must be an object.`, { file });
  // Entries, not assignments: a tensor called "__proto__" must stay a key, not a prototype.
  const entries: [string, string][] = [];
  for (const [name, shard] of Object.entries(parsed["weight_map"])) {
    if (typeof shard !== "string" || shard === "") {
      throw new SafetensorsError("INDEX_INVALID", `"weight_map" must name a shard file, got ${JSON.stringify(shard)}.`, { file, tensor: name });
    }
    const normal = normalize(shard);
    if (isAbsolute(shard) || normal === ".." || normal.startsWith(`..${sep}`)) {
      throw new SafetensorsError("INDEX_INVALID", `"weight_map" points outside the checkpoint folder (${JSON.stringify(shard)}); shards must be files next to the index.`, {
        file,
        tensor: name,
      });
    }
    entries.push([name, shard]);
  }
  const shards = [...new Set(entries.map(([, shard]) => shard))].sort();
  return { file, dir, metadata: Object.fromEntries(Object.entries(metadata)), weightMap: Object.fromEntries(entries), shards };
}

/**
 * The largest header this package reads or writes, in bytes: the reference implementation's limit
 * (`MAX_HEADER_SIZE` in huggingface/safetensors), so that a corrupt length field can never make a
 * reader allocate gigabytes. Real headers are far smaller (a 70B Llama's is about 100 KB).
 */
export const SAFETENSORS_MAX_HEADER_BYTES = 100_000_000;

/** The file name of a single-file Hugging Face checkpoint. */
export const SAFETENSORS_MODEL_FILE = "model.safetensors";

/** The file name of a sharded Hugging Face checkpoint's index (`weight_map`: tensor → shard). */
export const SAFETENSORS_INDEX_FILE = "model.safetensors.index.json";

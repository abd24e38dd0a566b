/**
 * `@ual/safetensors`: Hugging Face safetensors files and sharded checkpoints, with no
 * dependencies. Reads only the header, or only the tensors asked for (positioned reads), one at a
 * time if need be; widens F16/BF16 to float32 without a second copy; writes atomically and
 * tensor by tensor in the reference writer's layout; and rejects malformed files with errors that
 * name the file and the tensor, never allocating by a size it has not checked.
 *
 * @module
 */
export * from "./constants.ts";
export * from "./dtypes.ts";
export * from "./tensor.ts";
export * from "./safetensors_header.ts";
export * from "./safetensors_error.ts";
export * from "./read_safetensors_header.ts";
export * from "./read_safetensors.ts";
export * from "./iterate_safetensors.ts";
export * from "./decode_safetensors.ts";
export * from "./encode_safetensors.ts";
export * from "./write_safetensors.ts";
export * from "./read_safetensors_index.ts";
export * from "./open_checkpoint.ts";
export * from "./float16_to_float32.ts";
export * from "./bfloat16_to_float32.ts";
export * from "./float32_to_float16.ts";
export * from "./float32_to_bfloat16.ts";

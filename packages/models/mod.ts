/**
 * `@ual/models`: the model zoo the trainer and evaluators share — tokenizers (byte-level and
 * Hugging Face `tokenizer.json`), the chat template of spec §5.4, GPT-2-family decoder-only
 * transformers on TensorFlow.js with Hugging Face weight names, their weights on disk, and the
 * memory estimate that keeps training inside the wasm heap.
 *
 * @module
 */
export * from "./tokenizer.ts";
export * from "./byte_tokenizer.ts";
export * from "./hf_tokenizer.ts";
export * from "./load_tokenizer.ts";
export * from "./render_chat.ts";
export * from "./gpt2_config.ts";
export * from "./gpt2_weight_shapes.ts";
export * from "./create_gpt2.ts";
export * from "./gpt2_weights.ts";
export * from "./estimate_training_memory.ts";

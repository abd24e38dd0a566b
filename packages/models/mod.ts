/**
 * `@ual/models`: the model zoo the trainer and evaluators share — tokenizers (byte-level and
 * Hugging Face `tokenizer.json`), chat formats (spec §5.4's template or a model's own
 * chat_template), GPT-2 and Llama-family (Llama, Mistral, Qwen2) decoder-only transformers on
 * TensorFlow.js with Hugging Face weight names, loading and saving them, LoRA with PEFT adapters,
 * generation with a KV cache, scoring, and the memory estimate that keeps training inside the
 * wasm heap.
 *
 * @module
 */
export * from "./tokenizer.ts";
export * from "./byte_tokenizer.ts";
export * from "./hf_tokenizer.ts";
export * from "./load_tokenizer.ts";
export * from "./chat_format.ts";
export * from "./render_chat.ts";
export * from "./gpt2_config.ts";
export * from "./gpt2_weight_shapes.ts";
export * from "./create_gpt2.ts";
export * from "./gpt2_weights.ts";
export * from "./estimate_training_memory.ts";
export * from "./sample_token.ts";
export * from "./chat_prompt.ts";
export * from "./generate.ts";
export * from "./generate_in_batches.ts";
export * from "./score_continuations.ts";
export * from "./load_trained_model.ts";
export * from "./hf_model_spec.ts";
export * from "./llama_config.ts";
export * from "./create_llama.ts";
export * from "./gpt2_hf_config.ts";
export * from "./load_hf_weights.ts";
export * from "./load_hf_model.ts";
export * from "./save_hf_model.ts";
export * from "./hf_chat_template.ts";
export * from "./lora_options.ts";
export * from "./attach_lora.ts";
export * from "./save_lora_adapters.ts";
export * from "./load_lora_adapters.ts";
export * from "./final_hidden_states.ts";
export * from "./load_adapted_model.ts";
export * from "./causal_lm.ts";

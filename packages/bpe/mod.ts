/**
 * `@ual/bpe`: trains a byte-level BPE tokenizer (GPT-2's pre-tokenization and byte→unicode
 * mapping) to a vocabulary size, deterministically, and writes it as a Hugging Face
 * `tokenizer.json` that `@ual/models`' `loadHfTokenizer` (and the `tokenizers` library) reads.
 *
 * @module
 */
export * from "./bpe_model.ts";
export * from "./train_bpe.ts";
export * from "./bpe_encode.ts";
export * from "./bpe_tokenizer_json.ts";

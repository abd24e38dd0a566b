import { createByteTokenizer } from "./byte_tokenizer.ts";
import { type HfTokenizerOptions, loadHfTokenizer } from "./hf_tokenizer.ts";
import type { Tokenizer } from "./tokenizer.ts";

/**
 * The tokenizer a trainer or evaluator option names: `"byte"` for the built-in byte-level one,
 * or the path of a Hugging Face `tokenizer.json`.
 *
 * @example
 * ```ts
 * import { loadTokenizer } from "@ual/models";
 *
 * const tok = await loadTokenizer("byte");
 * tok.vocabSize; // 259
 * ```
 */
export async function loadTokenizer(spec: "byte" | string, options: HfTokenizerOptions = {}): Promise<Tokenizer> {
  return spec === "byte" ? createByteTokenizer() : loadHfTokenizer(spec, options);
}

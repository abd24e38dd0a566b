/**
 * GPT-2's pre-tokenization pattern, as Hugging Face's ByteLevel pre-tokenizer (`use_regex: true`)
 * applies it: contractions, an optional space and a run of letters / digits / other symbols, and
 * whitespace that is not followed by a word (so that " word" keeps its space). BPE never merges
 * across these pieces.
 */
const GPT2_PATTERN = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/** The pieces of `text` in order; their concatenation is `text`. */
export function preTokenize(text: string): string[] {
  return text.match(GPT2_PATTERN) ?? [];
}

import type { BpeModel } from "./bpe_model.ts";

/**
 * A trained BPE as a Hugging Face `tokenizer.json` object in GPT-2's layout: the ByteLevel
 * pre-tokenizer (GPT-2's pattern, no prefix space) and decoder, no normalizer, the special tokens
 * as added tokens (never split, skipped when decoding), and the merges in rank order. The
 * `tokenizers` library, `transformers`' `PreTrainedTokenizerFast` and `@ual/models`'
 * `loadHfTokenizer` read it; `JSON.stringify` it to write the file.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { bpeTokenizerJson, trainBpe } from "@ual/bpe";
 *
 * const bpe = trainBpe(texts, { vocabSize: 4096 });
 * writeFileSync("tokenizer.json", JSON.stringify(bpeTokenizerJson(bpe)));
 * ```
 */
export function bpeTokenizerJson(model: BpeModel): Record<string, unknown> {
  const vocab: Record<string, number> = {};
  model.vocab.forEach((token, id) => {
    if (token in vocab) throw new Error(`bpeTokenizerJson: the token ${JSON.stringify(token)} appears twice (ids ${vocab[token]} and ${id})`);
    vocab[token] = id;
  });
  const byteLevel = { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: model.specialTokens.map((content, id) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: null,
    decoder: byteLevel,
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab,
      // "left right" strings, GPT-2's form: unambiguous because no token contains a space (it is "Ġ").
      merges: model.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

import { writeFileSync } from "node:fs";
import { join } from "node:path";

/** An added-token entry of a tokenizer.json, as the tokenizers library writes special tokens. */
export function specialToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** Writes a tiny byte-level BPE tokenizer.json in GPT-2's format (8 ids, EOS `<|endoftext|>`) into `dir`; returns its path. */
export function writeTinyBpe(dir: string): string {
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: [specialToken(7, "<|endoftext|>")],
    normalizer: null,
    pre_tokenizer: { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true },
    post_processor: null,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: false,
      byte_fallback: false,
      vocab: { h: 0, i: 1, "Ġ": 2, hi: 3, "Ġhi": 4, "!": 5, o: 6 },
      merges: ["h i", "Ġ hi"],
    },
  };
  const path = join(dir, "tokenizer.json");
  writeFileSync(path, JSON.stringify(json));
  return path;
}


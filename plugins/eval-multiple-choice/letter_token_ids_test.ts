import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createByteTokenizer, loadHfTokenizer } from "@ual/models";
import { describe, expect, it } from "vitest";
import { letterTokenIds } from "./letter_token_ids.ts";

function special(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

/** A tiny tokenizer.json: GPT-2's byte-level BPE ("ĠA" is " A") or Llama's SentencePiece style ("▁A"). */
function writeTokenizer(kind: "gpt2" | "llama"): string {
  const dir = mkdtempSync(join(tmpdir(), `letters-${kind}-`));
  const gpt2 = kind === "gpt2";
  const vocab = gpt2
    ? { A: 0, B: 1, "Ġ": 2, "ĠA": 3, "ĠB": 4, ".": 5, "A.": 6, a: 7, AB: 8 }
    : { "<unk>": 0, "<s>": 1, "</s>": 2, "▁": 3, A: 4, B: 5, "▁A": 6, "▁B": 7, ".": 8, "A.": 9, a: 10, AB: 11 };
  const json = {
    version: "1.0",
    truncation: null,
    padding: null,
    added_tokens: gpt2 ? [special(9, "<|endoftext|>")] : [special(0, "<unk>"), special(1, "<s>"), special(2, "</s>")],
    normalizer: gpt2 ? null : { type: "Sequence", normalizers: [{ type: "Prepend", prepend: "▁" }, { type: "Replace", pattern: { String: " " }, content: "▁" }] },
    pre_tokenizer: gpt2 ? { type: "ByteLevel", add_prefix_space: false, trim_offsets: true, use_regex: true } : null,
    post_processor: null,
    decoder: gpt2
      ? { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true }
      : { type: "Sequence", decoders: [{ type: "Replace", pattern: { String: "▁" }, content: " " }, { type: "ByteFallback" }, { type: "Fuse" }, { type: "Strip", content: " ", start: 1, stop: 0 }] },
    model: {
      type: "BPE",
      dropout: null,
      unk_token: gpt2 ? null : "<unk>",
      continuing_subword_prefix: null,
      end_of_word_suffix: null,
      fuse_unk: !gpt2,
      byte_fallback: false,
      vocab,
      merges: gpt2 ? ["Ġ A", "Ġ B", "A .", "A B"] : ["▁ A", "▁ B", "A .", "A B"],
    },
  };
  writeFileSync(join(dir, "tokenizer.json"), JSON.stringify(json));
  return join(dir, "tokenizer.json");
}

describe("letterTokenIds()", () => {
  it("letterTokenIds() finds the one byte of each letter in the byte tokenizer", () => {
    const tokenizer = createByteTokenizer();
    const ids = letterTokenIds((id) => tokenizer.decode([id]), tokenizer.vocabSize, ["A", "B", "C"]);
    expect(ids).toEqual(new Map([["A", [65]], ["B", [66]], ["C", [67]]]));
  });

  it("letterTokenIds() accepts a leading space or ▁ and nothing else", () => {
    const vocab = ["A", " A", "\u2581A", "A.", "a", "B", "\u2581", "", " B ", "AB"];
    const ids = letterTokenIds((id) => vocab[id] ?? "", vocab.length, ["A", "B"]);
    expect(ids.get("A")).toEqual([0, 1, 2]);
    expect(ids.get("B")).toEqual([5]);
  });

  it("letterTokenIds() counts GPT-2's ĠA and SentencePiece's ▁A as A through a real tokenizer's decode", async () => {
    const gpt2 = await loadHfTokenizer(writeTokenizer("gpt2"), { bos: "<|endoftext|>", eos: "<|endoftext|>" });
    expect(letterTokenIds((id) => gpt2.decode([id]), gpt2.vocabSize, ["A", "B"])).toEqual(new Map([["A", [0, 3]], ["B", [1, 4]]]));
    const llama = await loadHfTokenizer(writeTokenizer("llama"), { bos: "<s>", eos: "</s>" });
    expect(letterTokenIds((id) => llama.decode([id]), llama.vocabSize, ["A", "B"])).toEqual(new Map([["A", [4, 6]], ["B", [5, 7]]]));
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadHfTokenizer } from "@ual/models";
import { describe, expect, it } from "vitest";
import { bpeEncode } from "./bpe_encode.ts";
import { bpeTokenizerJson } from "./bpe_tokenizer_json.ts";
import { trainBpe } from "./train_bpe.ts";

const CORPUS = [
  "Call me Ishmael. Some years ago—never mind how long precisely—having little or no money in my purse,",
  "and nothing particular to interest me on shore, I thought I would sail about a little and see the watery part of the world.",
  "It's a way I have of driving off the spleen; whenever it is a damp, drizzly November in my soul…",
  "In 1790, the Congress met: 12 members, 3,400 dollars, and \"quotes\" 'too'.\n\n  Indented   spaces\tand tabs\n",
];

async function written(texts: string[], vocabSize: number) {
  const bpe = trainBpe(texts, { vocabSize, minFrequency: 1 });
  const dir = mkdtempSync(join(tmpdir(), "ual-bpe-"));
  const path = join(dir, "tokenizer.json");
  writeFileSync(path, JSON.stringify(bpeTokenizerJson(bpe)));
  return { bpe, tokenizer: await loadHfTokenizer(path) };
}

describe("bpeTokenizerJson()", () => {
  it("bpeTokenizerJson() writes a tokenizer.json that loadHfTokenizer encodes as the BPE reference does, and decodes exactly", async () => {
    const { bpe, tokenizer } = await written(CORPUS, 400);
    expect(bpe.merges.length).toBe(400 - 257);
    expect(tokenizer.vocabSize).toBe(400);
    expect([tokenizer.bos, tokenizer.eos, tokenizer.pad]).toEqual([0, 0, 0]);
    const unseen = ["Whenever I find myself growing grim about the mouth", "émigré naïve façade — 東京 🐋", "  two  spaces,\nnew lines\r\n", "x"];
    for (const text of [...CORPUS, ...unseen]) {
      const ids = tokenizer.encode(text);
      expect(ids).toEqual(bpeEncode(bpe, text));
      expect(tokenizer.decode(ids)).toBe(text);
    }
    // The merges shorten the training text: fewer tokens than bytes.
    const text = CORPUS.join("");
    expect(tokenizer.encode(text).length).toBeLessThan(new TextEncoder().encode(text).length * 0.6);
  });

  it("bpeTokenizerJson() keeps the special token whole and leaves it out of decoded text", async () => {
    const { tokenizer } = await written(CORPUS, 300);
    const ids = tokenizer.encode("the end<|endoftext|>The start");
    expect(ids.filter((id) => id === 0)).toHaveLength(1);
    expect(tokenizer.decode(ids)).toBe("the endThe start");
  });
});

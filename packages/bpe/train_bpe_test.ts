import { describe, expect, it } from "vitest";
import { trainBpe } from "./train_bpe.ts";

describe("trainBpe()", () => {
  it("trainBpe() learns the most frequent pair first, breaking ties by the older tokens", () => {
    // Pieces "aaab" ×1 and "Ġab" ×2 (the space stays with its word). Counts: (a,b) 3, (a,a) 2, (Ġ,a) 2.
    // After "ab": "a a ab", "Ġ ab" ×2 → (Ġ,ab) 2, then (a,a) 1 and (a,ab) 1 tie.
    const bpe = trainBpe(["aaab ab ab"], { vocabSize: 257 + 3, minFrequency: 1 });
    expect(bpe.merges).toEqual([
      ["a", "b"],
      ["Ġ", "ab"],
      ["a", "a"], // count 1, tied with (a, ab): "a" (id 98) is older than "ab" (id 257) as the right token
    ]);
    expect(bpe.vocab.slice(0, 1)).toEqual(["<|endoftext|>"]);
    expect(bpe.vocab.slice(257)).toEqual(["ab", "Ġab", "aa"]);
  });

  it("trainBpe() merges overlapping runs left to right and stops at minFrequency", () => {
    const bpe = trainBpe(["aaaa aaaa"], { vocabSize: 300 });
    // "aaaa" ×1 and "Ġaaaa" ×1: (a,a) occurs 3 + 3 = 6 times; after "aa": "aa aa" and "Ġ aa aa" → (aa,aa) 2, (Ġ,aa) 1.
    expect(bpe.merges).toEqual([
      ["a", "a"],
      ["aa", "aa"],
    ]);
  });

  it("trainBpe() gives the same merges whatever the texts' order and grouping", () => {
    const texts = ["the cat sat on the mat.", "The dog sat on the log!", "cats and dogs, 12 and 123"];
    const a = trainBpe(texts, { vocabSize: 300, minFrequency: 1 });
    const b = trainBpe([texts[2] as string, texts.join(" | ").slice(0, 0), texts[0] as string, texts[1] as string], { vocabSize: 300, minFrequency: 1 });
    expect(b).toEqual(a);
    expect(trainBpe(texts, { vocabSize: 300, minFrequency: 1 })).toEqual(a);
  });

  it("trainBpe() never learns across a special token and puts the specials first", () => {
    const bpe = trainBpe(["ab<|endoftext|>ab<|pad|>ab"], { vocabSize: 300, specialTokens: ["<|endoftext|>", "<|pad|>"], minFrequency: 1 });
    expect(bpe.vocab.slice(0, 2)).toEqual(["<|endoftext|>", "<|pad|>"]);
    expect(bpe.merges).toEqual([["a", "b"]]);
  });

  it("trainBpe() says what is wrong with its options", () => {
    expect(() => trainBpe(["x"], { vocabSize: 100 })).toThrow(/vocabSize 100 must be an integer from 257/);
    expect(() => trainBpe(["x"], { vocabSize: 300, specialTokens: ["<s>", "<s>"] })).toThrow(/must be distinct/);
  });
});

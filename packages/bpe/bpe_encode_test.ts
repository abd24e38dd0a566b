import { describe, expect, it } from "vitest";
import { bpeEncode } from "./bpe_encode.ts";
import { trainBpe } from "./train_bpe.ts";

describe("bpeEncode()", () => {
  it("bpeEncode() applies the merges by rank, leftmost first, and splits out special tokens", () => {
    const bpe = trainBpe(["aaab ab ab"], { vocabSize: 260, minFrequency: 1 });
    // merges: (a,b) → 257 "ab", (Ġ,ab) → 258, (a,a) → 259
    expect(bpeEncode(bpe, "aaab ab")).toEqual([259, 257, 258]);
    expect(bpeEncode(bpe, "aaa<|endoftext|>b")).toEqual([259, 98, 0, 99]);
  });
});

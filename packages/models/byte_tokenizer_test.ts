import { describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { loadTokenizer } from "./load_tokenizer.ts";

describe("createByteTokenizer()", () => {
  it("createByteTokenizer() maps UTF-8 bytes to ids 0–255 and back", () => {
    const tok = createByteTokenizer();
    expect(tok.encode("hé")).toEqual([104, 195, 169]);
    expect(tok.decode(tok.encode("naïve – ✓"))).toBe("naïve – ✓");
    expect(tok.decode([256, 104, 105, 257, 258])).toBe("hi");
    expect([tok.vocabSize, tok.bos, tok.eos, tok.pad]).toEqual([259, 256, 257, 258]);
  });

  it("loadTokenizer() gives the byte tokenizer for \"byte\"", async () => {
    expect((await loadTokenizer("byte")).name).toBe("byte");
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { specialToken as special, writeTinyBpe as writeBpe } from "./_test_tokenizer.ts";
import { loadHfTokenizer } from "./hf_tokenizer.ts";

describe("loadHfTokenizer()", () => {
  it("loadHfTokenizer() encodes and decodes with a BPE tokenizer.json, EOS doubling as BOS and PAD", async () => {
    const tok = await loadHfTokenizer(writeBpe(mkdtempSync(join(tmpdir(), "ual-tok-"))));
    expect(tok.encode("hi hi!")).toEqual([3, 4, 5]);
    expect(tok.decode([3, 4, 7])).toBe("hi hi");
    expect(tok.decode([])).toBe(""); // an answer that is only EOS
    expect(tok.vocabSize).toBe(8);
    expect([tok.bos, tok.eos, tok.pad]).toEqual([7, 7, 7]);
  });

  it("loadHfTokenizer() reads special tokens from tokenizer_config.json and maps unknown words to unk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-tok-"));
    const path = join(dir, "tokenizer.json");
    writeFileSync(
      path,
      JSON.stringify({
        version: "1.0",
        added_tokens: [special(0, "[BOS]"), special(1, "[EOS]"), special(2, "[UNK]"), special(3, "[PAD]")],
        normalizer: null,
        pre_tokenizer: { type: "Whitespace" },
        post_processor: null,
        decoder: null,
        model: { type: "WordLevel", vocab: { "[BOS]": 0, "[EOS]": 1, "[UNK]": 2, "[PAD]": 3, hello: 4, world: 5 }, unk_token: "[UNK]" },
      }),
    );
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify({ bos_token: "[BOS]", eos_token: { content: "[EOS]" }, pad_token: "[PAD]" }));
    const tok = await loadHfTokenizer(path);
    expect([tok.bos, tok.eos, tok.pad]).toEqual([0, 1, 3]);
    expect(tok.encode("hello there world")).toEqual([4, 2, 5]);
  });

  it("loadHfTokenizer() says what is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-tok-"));
    await expect(loadHfTokenizer(join(dir, "nope.json"))).rejects.toThrow(/not a Hugging Face tokenizer.json/);
    await expect(loadHfTokenizer(writeBpe(dir), { bos: "<s>" })).rejects.toThrow(/no bos token "<s>"/);
  });
});

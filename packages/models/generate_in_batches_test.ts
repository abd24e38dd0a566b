import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { chatPrompt } from "./chat_prompt.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { generate } from "./generate.ts";
import { generateInBatches } from "./generate_in_batches.ts";

const tokenizer = createByteTokenizer();

describe("generateInBatches()", () => {
  beforeAll(() => selectBackend("wasm"));

  it("generateInBatches() returns, in the prompts' order, what each prompt gives alone, and keeps the end of one longer than the context", () => {
    const model = createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: 64, dModel: 32, layers: 2, heads: 4, initStd: 0.5 }, { seed: 8 });
    const prompts = [
      chatPrompt(`A long one: ${"word ".repeat(12)}`, tokenizer),
      chatPrompt("Hi", tokenizer),
      chatPrompt("Name a fruit.", tokenizer),
      chatPrompt("What is 2 + 2?", tokenizer),
      chatPrompt("Ok", tokenizer),
    ];
    expect(prompts[0]!.length).toBeGreaterThanOrEqual(64);
    const { generations, cut } = generateInBatches(model, tokenizer, prompts, { maxNewTokens: 6, batchSize: 2 });
    expect(cut).toEqual([true, false, false, false, false]);
    prompts.forEach((p, i) => {
      const [alone] = generate(model, tokenizer, [p.length >= 64 ? p.slice(-63) : p], { maxNewTokens: 6 });
      expect(generations[i], `prompt ${i}`).toEqual(alone);
    });
    model.dispose();
  });
});

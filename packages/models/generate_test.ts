import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { chatPrompt } from "./chat_prompt.ts";
import { attachLora } from "./attach_lora.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { createLlama } from "./create_llama.ts";
import { finalHiddenStates } from "./final_hidden_states.ts";
import { generate } from "./generate.ts";
import { scoreContinuations } from "./score_continuations.ts";

const tokenizer = createByteTokenizer();
const config = { vocabSize: tokenizer.vocabSize, contextLength: 96, dModel: 32, layers: 2, heads: 4, initStd: 0.5 };
// A tiny random Llama over the byte tokenizer: grouped-query attention, a RoPE base far from the
// default, and weights large enough that greedy choices are well separated.
const llamaConfig = { vocabSize: tokenizer.vocabSize, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2, contextLength: 96, ropeTheta: 300, initStd: 0.3 };
// The tests every family must pass, by the name they run under.
const families = [
  ["GPT-2", (seed: number) => createGpt2(config, { seed })],
  ["Llama", (seed: number) => createLlama(llamaConfig, { seed })],
] as const;

for (const backend of ["wasm", "cpu"] as const) {
  describe(`generate() on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    for (const [family, create] of families) {
      it(`generate() on ${family} gives the same tokens with and without the KV cache, greedy and sampled`, () => {
        const model = create(3);
        const prompts = [chatPrompt("Name a fruit.", tokenizer), chatPrompt("What is 12 + 7?", tokenizer)];
        for (const sampling of [{}, { temperature: 0.9, topK: 40, topP: 0.95, seed: 7 }]) {
          const cached = generate(model, tokenizer, prompts, { maxNewTokens: 12, ...sampling });
          const uncached = generate(model, tokenizer, prompts, { maxNewTokens: 12, cache: false, ...sampling });
          expect(cached.map((g) => g.tokens)).toEqual(uncached.map((g) => g.tokens));
          expect(cached[0]!.tokens.length).toBeGreaterThan(0);
        }
        model.dispose();
      });

      it(`generate() on ${family} continues a prompt the same alone and in a left-padded batch, and frees its tensors`, () => {
        const model = create(4);
        const short = chatPrompt("Hi", tokenizer);
        const long = chatPrompt("Reverse the word 'planet'.", tokenizer);
        const before = tf.memory().numTensors;
        const alone = generate(model, tokenizer, [short], { maxNewTokens: 10 });
        const longAlone = generate(model, tokenizer, [long], { maxNewTokens: 10 });
        const batched = generate(model, tokenizer, [long, short], { maxNewTokens: 10 });
        expect(tf.memory().numTensors).toBe(before);
        expect(batched[1]!.tokens).toEqual(alone[0]!.tokens);
        expect(batched[0]!.tokens).toEqual(longAlone[0]!.tokens);
        expect(alone[0]!.tokens.length).toBeGreaterThan(0);
        model.dispose();
      });
    }

    it("generate() lets each row of a batch run to the context on its own: a long prompt does not cut a short one's answer", () => {
      for (const [, create] of families) {
        const model = create(5);
        const short = chatPrompt("Hi", tokenizer);
        const long = chatPrompt(`Read ${"x".repeat(54)}.`, tokenizer);
        expect(96 - long.length).toBeLessThan(12);
        for (const cache of [true, false]) {
          const [shortAlone] = generate(model, tokenizer, [short], { maxNewTokens: 12, cache });
          const [longAlone] = generate(model, tokenizer, [long], { maxNewTokens: 12, cache });
          const batched = generate(model, tokenizer, [long, short], { maxNewTokens: 12, cache });
          expect(batched[1]).toEqual(shortAlone);
          expect(batched[0]).toEqual(longAlone);
          // the long row stops at the context; the short one was free to go on
          if (longAlone!.finishReason === "length") expect(longAlone!.tokens.length).toBe(96 - long.length);
          if (shortAlone!.finishReason === "length") expect(shortAlone!.tokens.length).toBe(12);
        }
        model.dispose();
      }
    });


    it("generate() greedy picks the argmax of the training forward's logits", () => {
      const model = createGpt2(config, { seed: 5 });
      const prompt = chatPrompt("Name a colour.", tokenizer);
      const [out] = generate(model, tokenizer, [prompt], { maxNewTokens: 1 });
      const logits = tf.tidy(() => model.logits(tf.tensor2d([prompt], [1, prompt.length], "int32")));
      const row = Array.from(logits.dataSync().slice((prompt.length - 1) * config.vocabSize));
      logits.dispose();
      expect(out!.tokens[0] ?? tokenizer.eos).toBe(row.indexOf(Math.max(...row)));
      model.dispose();
    });

    it("generate() stops at a stop sequence and cuts the text before it", () => {
      const model = createGpt2(config, { seed: 6 });
      const prompt = chatPrompt("x", tokenizer);
      const [free] = generate(model, tokenizer, [prompt], { maxNewTokens: 8, temperature: 1, seed: 1 });
      const stop = free!.text.slice(2, 3);
      const [stopped] = generate(model, tokenizer, [prompt], { maxNewTokens: 8, temperature: 1, seed: 1, stop: [stop] });
      expect(stopped!.finishReason).toBe("stop");
      expect(stopped!.text).toBe(free!.text.slice(0, free!.text.indexOf(stop)));
      model.dispose();
    });

    it("scoreContinuations() sums the same log-probabilities in a batch as alone", () => {
      const model = createGpt2(config, { seed: 8 });
      const a = { prompt: chatPrompt("Name a fruit.", tokenizer), continuation: [...tokenizer.encode("apple"), tokenizer.eos] };
      const b = { prompt: chatPrompt("Hi", tokenizer), continuation: tokenizer.encode("a much longer answer") };
      const [alone] = scoreContinuations(model, [a]);
      const both = scoreContinuations(model, [b, a]);
      expect(both[1]!.logProb).toBeCloseTo(alone!.logProb, 3);
      expect(alone!.tokens).toBe(6);
      expect(alone!.logProb).toBeLessThan(0);
      model.dispose();
    });
  });
}

describe("finalHiddenStates()", () => {
  beforeAll(() => selectBackend("cpu"));

  it("finalHiddenStates() gives what the LM head multiplies: h · wteᵀ equals the training forward's logits", () => {
    const model = createGpt2(config, { seed: 9 });
    const ids = chatPrompt("Hi", tokenizer);
    const rows = finalHiddenStates(model, ids);
    expect(rows).toHaveLength(ids.length);
    const wte = model.variables.get("transformer.wte.weight")!.arraySync() as number[][];
    const logits = tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")));
    const expected = logits.arraySync()[0]!;
    logits.dispose();
    const last = rows[ids.length - 1]!;
    const row = wte.map((w) => w.reduce((s, x, i) => s + x * last[i]!, 0));
    row.forEach((v, i) => expect(v).toBeCloseTo(expected[ids.length - 1]![i]!, 3));
    model.dispose();
  });
});


for (const backend of ["wasm", "cpu"] as const) {
  describe(`generate() with a Llama model on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    it("generate() on Llama greedy picks the argmax of the training forward's logits, at every new token", () => {
      const model = createLlama(llamaConfig, { seed: 5 });
      const prompt = chatPrompt("Name a colour.", tokenizer);
      const [out] = generate(model, tokenizer, [prompt], { maxNewTokens: 6 });
      const tokens = out!.tokens;
      expect(tokens.length).toBeGreaterThan(0);
      const ids = [...prompt, ...tokens];
      const logits = tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")));
      const rows = logits.arraySync()[0]!;
      logits.dispose();
      tokens.forEach((token, i) => {
        const row = rows[prompt.length - 1 + i]!;
        expect(token).toBe(row.indexOf(Math.max(...row)));
      });
      model.dispose();
    });

    it("generate() on Llama with unmerged LoRA adapters gives what the merged model gives, and differs from the base", () => {
      const model = createLlama(llamaConfig, { seed: 6 });
      const prompts = [chatPrompt("Name a fruit.", tokenizer), chatPrompt("Hi", tokenizer)];
      const base = generate(model, tokenizer, prompts, { maxNewTokens: 10 });
      const lora = attachLora(model, { r: 4, alpha: 8, dropout: 0.1, targets: ["q_proj", "v_proj", "down_proj"] }, { seed: 2 });
      lora.setTraining(false);
      for (const [name, v] of lora.variables) if (name.endsWith("lora_B.weight")) v.assign(tf.randomNormal(v.shape, 0, 0.5, "float32", 9));
      const unmerged = generate(model, tokenizer, prompts, { maxNewTokens: 10 });
      const unmergedUncached = generate(model, tokenizer, prompts, { maxNewTokens: 10, cache: false });
      lora.merge();
      const merged = generate(model, tokenizer, prompts, { maxNewTokens: 10 });
      expect(unmerged.map((g) => g.tokens)).toEqual(merged.map((g) => g.tokens));
      expect(unmergedUncached.map((g) => g.tokens)).toEqual(merged.map((g) => g.tokens));
      // the adapters matter: without them the step would have generated the base model's text
      expect(merged.map((g) => g.tokens)).not.toEqual(base.map((g) => g.tokens));
      model.dispose();
    });

    it("scoreContinuations() on Llama sums log-softmax of the training forward at each continuation token, alone and in a batch", () => {
      const model = createLlama(llamaConfig, { seed: 8 });
      const a = { prompt: chatPrompt("Name a fruit.", tokenizer), continuation: [...tokenizer.encode("apple"), tokenizer.eos] };
      const b = { prompt: chatPrompt("Hi", tokenizer), continuation: tokenizer.encode("a much longer answer") };
      const direct = (item: typeof a) => {
        const ids = [...item.prompt, ...item.continuation];
        const rows = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor2d([ids], [1, ids.length], "int32"))).arraySync()[0]!);
        let sum = 0;
        for (let j = item.prompt.length; j < ids.length; j++) sum += rows[j - 1]![ids[j]!]!;
        return sum;
      };
      const scores = scoreContinuations(model, [b, a]);
      expect(scores[1]!.tokens).toBe(6);
      expect(scores[1]!.logProb).toBeCloseTo(direct(a), 3);
      expect(scores[0]!.logProb).toBeCloseTo(direct(b), 3);
      expect(scores[0]!.logProb).toBeLessThan(0);
      model.dispose();
    });

    it("finalHiddenStates() on Llama gives the final RMSNorm output: h · lm_headᵀ equals the training forward's logits", () => {
      const model = createLlama(llamaConfig, { seed: 9 });
      const ids = chatPrompt("Hi", tokenizer);
      const rows = finalHiddenStates(model, ids);
      expect(rows).toHaveLength(ids.length);
      expect(rows[0]).toHaveLength(llamaConfig.dModel);
      const head = model.variables.get("lm_head.weight")!.arraySync() as number[][];
      const logits = tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")));
      const expected = logits.arraySync()[0]!;
      logits.dispose();
      const last = rows[ids.length - 1]!;
      head.map((w) => w.reduce((s, x, i) => s + x * last[i]!, 0)).forEach((v, i) => expect(v).toBeCloseTo(expected[ids.length - 1]![i]!, 3));
      model.dispose();
    });
  });
}

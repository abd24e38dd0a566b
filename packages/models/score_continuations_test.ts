import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { chatPrompt } from "./chat_prompt.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { createLlama } from "./create_llama.ts";
import { scoreContinuations } from "./score_continuations.ts";

const tokenizer = createByteTokenizer();
const families = [
  ["GPT-2", () => createGpt2({ vocabSize: tokenizer.vocabSize, contextLength: 48, dModel: 32, layers: 2, heads: 4, initStd: 0.5 }, { seed: 4 })],
  ["Llama", () => createLlama({ vocabSize: tokenizer.vocabSize, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2, contextLength: 48, ropeTheta: 300, initStd: 0.3 }, { seed: 4 })],
] as const;

for (const backend of ["wasm", "cpu"] as const) {
  describe(`scoreContinuations() on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    for (const [family, create] of families) {
      it(`scoreContinuations() on ${family} gives Σ log-softmax of one forward pass over prompt + continuation, for shared and cut prompts and any batch size`, () => {
        const model = create();
        const fruit = chatPrompt("Name a fruit.", tokenizer);
        const items = [
          { prompt: fruit, continuation: [...tokenizer.encode("apple"), tokenizer.eos] },
          { prompt: chatPrompt("Hi", tokenizer), continuation: tokenizer.encode("a much longer answer") },
          { prompt: fruit, continuation: [tokenizer.eos] }, // one token: predicted by the prompt alone
          { prompt: fruit, continuation: tokenizer.encode("kiwi") },
          // 30 + 30 tokens: the prompt keeps its last 18 so that the whole continuation fits 48
          { prompt: [tokenizer.bos, ...tokenizer.encode("a prompt that is far too long")], continuation: tokenizer.encode("and a continuation as long...") },
          { prompt: fruit, continuation: [...tokenizer.encode("fig"), tokenizer.eos] },
        ];
        const direct = (item: (typeof items)[number]) => {
          const ids = [...item.prompt, ...item.continuation].slice(-48);
          const first = ids.length - item.continuation.length;
          const rows = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor2d([ids], [1, ids.length], "int32"))).arraySync()[0]!);
          let sum = 0;
          for (let j = first; j < ids.length; j++) sum += rows[j - 1]![ids[j]!]!;
          return sum;
        };
        const expected = items.map(direct);
        for (const batchSize of [1, 2, 3, 16]) {
          const scores = scoreContinuations(model, items, { batchSize });
          scores.forEach((s, i) => {
            expect(s.tokens).toBe(items[i]!.continuation.length);
            expect(Math.abs(s.logProb - expected[i]!)).toBeLessThan(1e-3 * (1 + Math.abs(expected[i]!)));
          });
        }
        const before = tf.memory().numTensors;
        scoreContinuations(model, items);
        expect(tf.memory().numTensors).toBe(before);
        model.dispose();
      });
    }

    it("scoreContinuations() refuses an empty prompt or continuation, and one longer than the context", () => {
      const model = families[0][1]();
      expect(() => scoreContinuations(model, [{ prompt: [], continuation: [1] }])).toThrow(/at least one token/);
      expect(() => scoreContinuations(model, [{ prompt: [0], continuation: [] }])).toThrow(/empty continuation/);
      expect(() => scoreContinuations(model, [{ prompt: [0], continuation: new Array(48).fill(1) }])).toThrow(/does not fit/);
      model.dispose();
    });
  });
}

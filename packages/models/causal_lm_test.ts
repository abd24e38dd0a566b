import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { causalLm, type CausalLm, type KvCache } from "./causal_lm.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { createLlama } from "./create_llama.ts";
import { ropePeriods, rotaryTables, rotaryTablesAt } from "./_rotary.ts";

// Grouped-query attention (2 kv heads for 4 query heads), untied head, and a RoPE base far from
// the default, so that a step which ignored the config's θ or the GQA sharing would not match.
const llamaConfig = { vocabSize: 37, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2, contextLength: 32, ropeTheta: 300, initStd: 0.3 };
const gpt2Config = { vocabSize: 37, contextLength: 32, dModel: 32, layers: 2, heads: 4, initStd: 0.3 };
const sequence = [3, 17, 5, 29, 11, 2, 36, 8, 8, 21];

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  return worst;
}

const ones = (n: number) => new Uint8Array(n).fill(1);
const range = (from: number, to: number) => Int32Array.from({ length: to - from }, (_, i) => from + i);

/** The training forward's logits of one row, [T·V]. */
function trainingLogits(lm: CausalLm, ids: readonly number[]): Float32Array {
  return tf.tidy(() => lm.logits(tf.tensor2d([[...ids]], [1, ids.length], "int32")).dataSync() as Float32Array);
}

describe("rotaryTablesAt()", () => {
  beforeAll(() => selectBackend("cpu"));

  it("rotaryTablesAt() gives each row the rows of rotaryTables at its own positions", () => {
    const whole = rotaryTables(12, ropePeriods(8, 300));
    const at = rotaryTablesAt(Int32Array.from([0, 0, 1, 2, 7, 8, 9, 11]), 2, 4, ropePeriods(8, 300));
    expect(at.cos.shape).toEqual([2, 1, 4, 8]);
    const cos = whole.cos.arraySync();
    const sin = whole.sin.arraySync();
    const [c0, c1] = at.cos.arraySync().map((r) => r[0]!);
    const [s1] = at.sin.arraySync().slice(1).map((r) => r[0]!);
    expect(c0).toEqual([cos[0], cos[0], cos[1], cos[2]]);
    expect(c1).toEqual([cos[7], cos[8], cos[9], cos[11]]);
    expect(s1).toEqual([sin[7], sin[8], sin[9], sin[11]]);
    tf.dispose([whole.cos, whole.sin, at.cos, at.sin]);
  });
});

for (const backend of ["wasm", "cpu"] as const) {
  describe(`causalLm() on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    const families = [
      ["llama", () => causalLm(createLlama(llamaConfig, { seed: 11 }))],
      ["gpt2", () => causalLm(createGpt2(gpt2Config, { seed: 11 }))],
    ] as const;

    for (const [family, build] of families) {
      it(`causalLm() ${family}: step() over a whole sequence gives the training forward's logits`, () => {
        const lm = build();
        expect(lm.family).toBe(family);
        expect(lm.config).toMatchObject({ vocabSize: 37, contextLength: 32, dModel: 32 });
        const expected = trainingLogits(lm, sequence);
        const ids = tf.tensor2d([sequence], [1, sequence.length], "int32");
        const before = tf.memory().numTensors;
        const out = lm.step(ids, range(0, sequence.length), [ones(sequence.length)], undefined);
        expect(out.logits.shape).toEqual([1, sequence.length, 37]);
        expect(out.hidden.shape).toEqual([1, sequence.length, 32]);
        const worst = maxAbsDiff(out.logits.dataSync(), expected);
        // the step's outputs (logits, hidden, 2 layers × K and V) and no intermediate
        expect(tf.memory().numTensors - before).toBe(2 + 4);
        tf.dispose([ids, out.logits, out.hidden, ...out.cache.keys, ...out.cache.values]);
        expect(worst).toBeLessThan(1e-4);
        lm.dispose();
      });

      it(`causalLm() ${family}: step() with a KV cache, a token at a time, gives the training forward's logits`, () => {
        const lm = build();
        const expected = trainingLogits(lm, sequence);
        const V = lm.config.vocabSize;
        // a prefix of 4 tokens, then one token per step
        let cache: KvCache | undefined;
        const got: number[] = [];
        for (const [from, to] of [[0, 4], ...Array.from({ length: sequence.length - 4 }, (_, i) => [4 + i, 5 + i])] as [number, number][]) {
          const out = lm.step(tf.tensor2d([sequence.slice(from, to)], [1, to - from], "int32"), range(from, to), [ones(to)], cache);
          got.push(...out.logits.dataSync());
          if (cache !== undefined) tf.dispose([...cache.keys, ...cache.values]);
          cache = out.cache;
          tf.dispose([out.logits, out.hidden]);
        }
        expect(cache!.keys[0]!.shape).toEqual([1, family === "llama" ? llamaConfig.kvHeads : gpt2Config.heads, sequence.length, 8]);
        tf.dispose([...cache!.keys, ...cache!.values]);
        expect(got.length).toBe(sequence.length * V);
        expect(maxAbsDiff(got, expected)).toBeLessThan(1e-4);
        lm.dispose();
      });
    }

    it("causalLm() llama: step() on a left-padded batch gives each row's logits alone (per-row RoPE positions, key mask)", () => {
      const lm = causalLm(createLlama(llamaConfig, { seed: 12 }));
      const short = sequence.slice(0, 6);
      const pad = sequence.length - short.length;
      const rows = [sequence, [...new Array<number>(pad).fill(0), ...short]];
      const positions = Int32Array.from([...range(0, sequence.length), ...new Array<number>(pad).fill(0), ...range(0, short.length)]);
      const mask = [ones(sequence.length), Uint8Array.from(rows[1]!, (_, j) => (j < pad ? 0 : 1))];
      const out = lm.step(tf.tensor2d(rows, [2, sequence.length], "int32"), positions, mask, undefined);
      const logits = out.logits.arraySync();
      tf.dispose([out.logits, out.hidden, ...out.cache.keys, ...out.cache.values]);
      expect(maxAbsDiff(logits[0]!.flat(), trainingLogits(lm, sequence))).toBeLessThan(1e-4);
      expect(maxAbsDiff(logits[1]!.slice(pad).flat(), trainingLogits(lm, short))).toBeLessThan(1e-4);
      lm.dispose();
    });

    it("causalLm() returns a CausalLm as is and shares the model's weights", () => {
      const model = createLlama(llamaConfig, { seed: 13 });
      const lm = causalLm(model);
      expect(causalLm(lm)).toBe(lm);
      expect(lm.variables).toBe(model.variables);
      lm.dispose();
      expect(model.variables.size).toBe(0);
    });
  });
}

import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { createGpt2 } from "./create_gpt2.ts";
import { gpt2ParameterCount } from "./gpt2_config.ts";
import { gpt2WeightShapes } from "./gpt2_weight_shapes.ts";

const config = { vocabSize: 11, contextLength: 8, dModel: 16, layers: 2, heads: 4 };
const backends = ["wasm", "cpu"] as const;

for (const backend of backends) {
  describe(`createGpt2() on ${backend}`, () => {
    beforeAll(() => selectBackend(backend));

    it("createGpt2() names its weights as Hugging Face GPT-2 and draws the same ones for a seed on any backend", () => {
      const model = createGpt2(config, { seed: 5 });
      expect([...model.variables.keys()]).toEqual(gpt2WeightShapes(config).map(([n]) => n));
      expect(model.variables.get("transformer.h.1.attn.c_attn.weight")!.shape).toEqual([16, 48]);
      let total = 0;
      for (const v of model.variables.values()) total += v.size;
      expect(total).toBe(gpt2ParameterCount(config));
      // values drawn in JavaScript: identical on every backend
      const wte = model.variables.get("transformer.wte.weight")!.dataSync();
      expect(wte[0]).toBeCloseTo(createGpt2(config, { seed: 5 }).variables.get("transformer.wte.weight")!.dataSync()[0]!, 7);
      expect(Array.from(model.variables.get("transformer.h.0.ln_1.weight")!.dataSync())).toEqual(new Array(16).fill(1));
      model.dispose();
    });

    it("createGpt2() logits are causal and ignore padded keys", () => {
      const model = createGpt2(config, { seed: 1 });
      tf.tidy(() => {
        const a = model.logits(tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32")).arraySync()[0]!;
        const b = model.logits(tf.tensor2d([[1, 2, 3, 9, 9]], [1, 5], "int32")).arraySync()[0]!;
        for (let t = 0; t < 3; t++) for (let j = 0; j < 11; j++) expect(b[t]![j]).toBeCloseTo(a[t]![j]!, 5);
        // left padding: with the padded keys masked, the real tokens' logits do not depend on the pads' ids
        const padA = model.logits(tf.tensor2d([[7, 1, 2]], [1, 3], "int32"), [0, 1, 1]).arraySync()[0]!;
        const padB = model.logits(tf.tensor2d([[8, 1, 2]], [1, 3], "int32"), [0, 1, 1]).arraySync()[0]!;
        for (let j = 0; j < 11; j++) expect(padB[2]![j]).toBeCloseTo(padA[2]![j]!, 5);
      });
      model.dispose();
    });

    it("createGpt2() gives every weight a finite gradient", () => {
      const model = createGpt2(config, { seed: 2 });
      const ids = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], [2, 4], "int32");
      const { value, grads } = tf.variableGrads(() => tf.mean(model.logits(ids)) as tf.Scalar, [...model.variables.values()]);
      for (const v of model.variables.values()) {
        const g = grads[v.name]!;
        expect(g.shape).toEqual(v.shape);
        expect(Array.from(g.dataSync()).every(Number.isFinite)).toBe(true);
      }
      tf.dispose([value, ids, grads]);
      model.dispose();
    });

  });
}
